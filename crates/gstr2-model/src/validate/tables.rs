//! The walk over each table: its documents in payload order, each located and put through the
//! checks that apply to it.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::codes::{SupplyType, UnregisteredNoteType, YesNo};
use crate::item::{AdvanceItem, ImportItem};
use crate::tables::itc::ReversalRule;
use crate::tables::nil_supplies::NilSupplyAmounts;
use crate::{Gstr2Payload, Table};

use super::checker::{item_totals, seen, supply_of, totals, At, Checker, Doc, Path};
use super::{ProblemKind, TaxHead};

impl<'p> Checker<'_> {
    pub(super) fn b2b(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::B2b));
        for supplier in &payload.b2b {
            for inv in &supplier.invoices {
                let doc = Doc {
                    table: Table::B2b,
                    supplier: Some(&supplier.supplier_gstin),
                    path: Path::Supplier {
                        section: "b2b",
                        ctin: &supplier.supplier_gstin,
                        list: "inv",
                        key: "inum",
                        number: &inv.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                let with_tax = inv.reverse_charge != YesNo::Yes;
                self.value(&doc, "val", inv.value, item_totals(&inv.items), with_tax);
                let supply = supply_of(
                    &supplier.supplier_gstin,
                    inv.place_of_supply,
                    inv.invoice_type.as_ref(),
                );
                self.items(&doc, &inv.items, supply.as_ref());
            }
        }
    }

    pub(super) fn b2ba(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::B2ba));
        for supplier in &payload.b2ba {
            for inv in &supplier.invoices {
                let doc = Doc {
                    table: Table::B2ba,
                    supplier: Some(&supplier.supplier_gstin),
                    path: Path::Supplier {
                        section: "b2ba",
                        ctin: &supplier.supplier_gstin,
                        list: "inv",
                        key: "inum",
                        number: &inv.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                let with_tax = inv.reverse_charge != YesNo::Yes;
                self.value(&doc, "val", inv.value, item_totals(&inv.items), with_tax);
                let supply = supply_of(
                    &supplier.supplier_gstin,
                    inv.place_of_supply,
                    inv.invoice_type.as_ref(),
                );
                self.items(&doc, &inv.items, supply.as_ref());
            }
        }
    }

    pub(super) fn b2bur(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::B2bUnregistered));
        for (index, group) in payload.b2bur.iter().enumerate() {
            for inv in &group.invoices {
                let doc = Doc {
                    table: Table::B2bUnregistered,
                    supplier: None,
                    path: Path::Group {
                        section: "b2bur",
                        index,
                        list: "inv",
                        key: "inum",
                        number: &inv.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                self.value(&doc, "val", inv.value, item_totals(&inv.items), false);
                self.items(&doc, &inv.items, Some(&inv.supply_type));
            }
        }
    }

    pub(super) fn imports(&mut self, payload: &'p Gstr2Payload) {
        type Bill<'a> = (&'a str, Decimal, &'a [ImportItem]);
        let tables: [(
            Table,
            &'static str,
            &'static str,
            &'static str,
            Vec<Bill<'p>>,
        ); 4] = [
            (
                Table::ImpG,
                "imp_g",
                "boe_num",
                "boe_val",
                payload
                    .imp_g
                    .iter()
                    .map(|d| (d.bill_number.as_str(), d.bill_value, d.items.as_slice()))
                    .collect(),
            ),
            (
                Table::ImpGa,
                "imp_ga",
                "boe_num",
                "boe_val",
                payload
                    .imp_ga
                    .iter()
                    .map(|d| (d.bill_number.as_str(), d.bill_value, d.items.as_slice()))
                    .collect(),
            ),
            (
                Table::ImpS,
                "imp_s",
                "inum",
                "ival",
                payload
                    .imp_s
                    .iter()
                    .map(|d| (d.number.as_str(), d.value, d.items.as_slice()))
                    .collect(),
            ),
            (
                Table::ImpSa,
                "imp_sa",
                "inum",
                "ival",
                payload
                    .imp_sa
                    .iter()
                    .map(|d| (d.number.as_str(), d.value, d.items.as_slice()))
                    .collect(),
            ),
        ];
        for (table, section, key, value_key, documents) in tables {
            let mut seen = seen(documents.len());
            for (number, value, items) in documents {
                let doc = Doc {
                    table,
                    supplier: None,
                    path: Path::Flat {
                        section,
                        key,
                        number: Cow::Borrowed(number),
                        has_number: true,
                    },
                };
                self.duplicate(&mut seen, &doc);
                let totals = totals(items.iter().map(|i| (i.taxable_value, i.tax())));
                self.value(&doc, value_key, value, totals, false);
                self.import_items(&doc, items);
            }
        }
    }

    pub(super) fn cdn(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::Cdn));
        for supplier in &payload.cdn {
            for note in &supplier.notes {
                let doc = Doc {
                    table: Table::Cdn,
                    supplier: Some(&supplier.supplier_gstin),
                    path: Path::Supplier {
                        section: "cdn",
                        ctin: &supplier.supplier_gstin,
                        list: "nt",
                        key: "nt_num",
                        number: &note.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                self.value(&doc, "val", note.value, item_totals(&note.items), true);
                self.items(&doc, &note.items, None);
            }
        }
    }

    pub(super) fn cdna(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::Cdna));
        for supplier in &payload.cdna {
            for note in &supplier.notes {
                let doc = Doc {
                    table: Table::Cdna,
                    supplier: Some(&supplier.supplier_gstin),
                    path: Path::Supplier {
                        section: "cdna",
                        ctin: &supplier.supplier_gstin,
                        list: "nt",
                        key: "nt_num",
                        number: &note.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                let with_tax = note.reverse_charge != Some(YesNo::Yes);
                self.value(&doc, "val", note.value, item_totals(&note.items), with_tax);
                self.items(&doc, &note.items, None);
            }
        }
    }

    pub(super) fn cdnur(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.cdnur.len());
        for note in &payload.cdnur {
            let doc = Doc {
                table: Table::CdnUnregistered,
                supplier: None,
                path: Path::Flat {
                    section: "cdnur",
                    key: "nt_num",
                    number: Cow::Borrowed(&note.number),
                    has_number: true,
                },
            };
            self.duplicate(&mut seen, &doc);
            self.value(&doc, "val", note.value, item_totals(&note.items), false);
            let supply = match note.invoice_type {
                Some(UnregisteredNoteType::ImportOfServices) => Some(SupplyType::Inter),
                _ => None,
            };
            self.items(&doc, &note.items, supply.as_ref());
        }
    }

    pub(super) fn nil_supplies(&mut self, payload: &'p Gstr2Payload) {
        let Some(nil) = &payload.nil_supplies else {
            return;
        };
        for (name, amounts) in [("inter", &nil.inter), ("intra", &nil.intra)] {
            let Some(NilSupplyAmounts {
                composition,
                exempt,
                nil_rated,
                non_gst,
            }) = amounts
            else {
                continue;
            };
            let doc = Doc {
                table: Table::NilSupplies,
                supplier: None,
                path: Path::Block {
                    section: "nil_supplies",
                    name,
                },
            };
            for (key, amount) in [
                ("cpddr", composition),
                ("exptdsply", exempt),
                ("nilsply", nil_rated),
                ("ngsply", non_gst),
            ] {
                self.negative(&doc, At::Doc, key, *amount);
            }
        }
    }

    pub(super) fn itc_reversal(&mut self, payload: &'p Gstr2Payload) {
        let Some(rvsl) = &payload.itc_rvsl else {
            return;
        };
        for rule in ReversalRule::ALL {
            let Some(amounts) = rvsl.get(rule) else {
                continue;
            };
            let doc = Doc {
                table: Table::Itc,
                supplier: None,
                path: Path::Block {
                    section: "itc_rvsl",
                    name: rule.as_str(),
                },
            };
            for (key, amount) in [
                ("iamt", amounts.igst),
                ("camt", amounts.cgst),
                ("samt", amounts.sgst),
                ("csamt", amounts.cess),
            ] {
                self.negative(&doc, At::Doc, key, amount);
            }
        }
    }

    pub(super) fn advances(
        &mut self,
        table: Table,
        section: &'static str,
        advances: &'p [crate::tables::txi::Advance],
    ) {
        for advance in advances {
            let doc = Doc {
                table,
                supplier: None,
                path: Path::Flat {
                    section,
                    key: "pos",
                    number: Cow::Owned(advance.place_of_supply.to_string()),
                    has_number: false,
                },
            };
            self.repeated_numbers(&doc, advance.items.iter().map(|i| i.number));
            for AdvanceItem {
                number,
                rate,
                advance: amount,
                igst,
                cgst,
                sgst,
                cess,
            } in &advance.items
            {
                let at = At::Item(*number);
                self.negative(&doc, at, "rt", Some(*rate));
                self.negative(&doc, at, "adamt", Some(*amount));
                self.heads(
                    &doc,
                    at,
                    [*igst, *cgst, *sgst, *cess],
                    Some(&advance.supply_type),
                );
            }
        }
    }

    pub(super) fn txia(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.atxi.len());
        for amendment in &payload.atxi {
            let doc = Doc {
                table: Table::Txia,
                supplier: None,
                path: Path::Flat {
                    section: "atxi",
                    key: "dnum",
                    number: Cow::Borrowed(&amendment.number),
                    has_number: true,
                },
            };
            self.duplicate(&mut seen, &doc);
            for (key, amount) in [
                ("txval", Some(amendment.taxable_value)),
                ("iamt", amendment.igst),
                ("camt", amendment.cgst),
                ("samt", amendment.sgst),
                ("csamt", amendment.cess),
            ] {
                self.negative(&doc, At::Doc, key, amount);
            }
            for (index, item) in amendment.items.iter().enumerate() {
                let at = At::Index(index);
                for (key, amount) in [
                    ("txval", Some(item.taxable_value)),
                    ("irt", item.igst_rate),
                    ("crt", item.cgst_rate),
                    ("srt", item.sgst_rate),
                    ("csrt", item.cess_rate),
                ] {
                    self.negative(&doc, at, key, amount);
                }
                let tax = [item.igst, item.cgst, item.sgst, item.cess];
                for (head, amount) in TaxHead::ALL.into_iter().zip(tax) {
                    self.negative(&doc, at, head.wire_key(), amount);
                }
                let (cgst, sgst) = (item.cgst.unwrap_or_default(), item.sgst.unwrap_or_default());
                if cgst != sgst {
                    self.push(&doc, at, None, ProblemKind::CgstSgstDiffer { cgst, sgst });
                }
            }
        }
    }
}
