//! How the workspace's errors read, and [`ErrorChain`], which prints one whole.
//!
//! Every error type of gstr2 follows one rule: a variant that keeps the error that caused it
//! does not print that error; its message says what this layer was doing (`b2b.csv line 14,
//! column idt`, `RETSAVE: transport error`) and the cause comes through
//! [`source()`](std::error::Error::source). A variant that adds nothing to its cause is
//! `#[error(transparent)]`. So a report that walks the chain (anyhow's `{:#}`, eyre, or
//! [`ErrorChain`]) prints each cause once, and `{}` of the error alone prints only its own
//! layer.

use std::error::Error;
use std::fmt;

/// An error and its causes, printed on one line: `outer: cause: root cause`.
///
/// ```
/// use gstr2_model::{csv, ErrorChain};
///
/// let text = "ctin,inum,idt,val,pos,rchrg,inv_typ,num,rt,txval,iamt,camt,samt,csamt,elg\n\
///             27AAACR5055K1Z7,S1,31-02-2017,118,27,N,R,1,18,100,0,9,9,0,ip\n";
/// let error = csv::read_b2b(text.as_bytes()).unwrap_err();
/// assert_eq!(error.to_string(), "b2b.csv line 2, column idt");
/// assert!(ErrorChain(&error)
///     .to_string()
///     .starts_with("b2b.csv line 2, column idt: \"31-02-2017\""));
/// ```
#[derive(Clone, Copy)]
pub struct ErrorChain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

impl fmt::Debug for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
