//! gstn-proto
