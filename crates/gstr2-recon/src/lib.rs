//! gstr2-recon
