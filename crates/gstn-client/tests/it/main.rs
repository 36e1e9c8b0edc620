//! gstn-client against gstn-sandbox over 127.0.0.1.

mod common;
mod errors;
mod faults;
mod flow;
mod gstr2a;
mod gstr2b;
mod ims;
mod secrets;
mod session;
mod tamper;
