//! The 15 tables of the gstr2 CSV format (`docs/csv-format.md`), one module each, in GSTN's JSON wire shape.
//!
//! | table | module | wire key | section (`sec_nm`) | GET action |
//! |---|---|---|---|---|
//! | `b2b` | [`b2b`] | `b2b` | `B2B` | `B2B` |
//! | `b2ba` | [`b2ba`] | `b2ba` | `B2BA` | `B2BA` |
//! | `b2b_unregistered` | [`b2b_unregistered`] | `b2bur` | `B2BUR` | `B2BUR` |
//! | `imp_g` | [`imp_g`] | `imp_g` | `IMP_G` | `IMPG` |
//! | `imp_ga` | [`imp_ga`] | `imp_ga` | `IMP_GA` | `IMPGA` |
//! | `imp_s` | [`imp_s`] | `imp_s` | `IMP_S` | `IMPS` |
//! | `imp_sa` | [`imp_sa`] | `imp_sa` | `IMP_SA` | `IMPSA` |
//! | `cdn` | [`cdn`] | `cdn` | `CDN` | `CDN` |
//! | `cdna` | [`cdna`] | `cdna` | `CDNA` | `CDNA` |
//! | `cdn_unregistered` | [`cdn_unregistered`] | `cdnur` | `CDNUR` | `CDNUR` |
//! | `nil_supplies` | [`nil_supplies`] | `nil_supplies` | `NIL` | `NIL` |
//! | `itc` | [`itc`] | `itc_rvsl` | `ITC_RVSL` | `ITCRVSL` |
//! | `txi` | [`txi`] | `txi` | `TXI` | `TXLI` |
//! | `txia` | [`txia`] | `atxi` | `ATXI` | `ATXLI` |
//! | `txpd` | [`txpd`] | `txpd` | `TXPD` | `TXP` |

pub mod b2b;
pub mod b2b_unregistered;
pub mod b2ba;
pub mod cdn;
pub mod cdn_unregistered;
pub mod cdna;
pub mod hsnsum;
pub mod imp_g;
pub mod imp_ga;
pub mod imp_s;
pub mod imp_sa;
pub mod itc;
pub mod nil_supplies;
pub mod txi;
pub mod txia;
pub mod txpd;
