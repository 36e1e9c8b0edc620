//! gstn-sandbox
