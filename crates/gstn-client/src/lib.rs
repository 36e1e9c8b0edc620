//! gstn-client
