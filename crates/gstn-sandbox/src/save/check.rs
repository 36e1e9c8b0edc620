//! What a saved document is checked against: the return period's last day, the tax heads
//! against the kind of supply, and, per section, its key and its place in the receiver's GSTR2A
//! (the tables in the [module docs](super)).

use chrono::{Months, NaiveDate};
use gstn_proto::error_code::chosen;
use gstr2_model::codes::SupplyType;
use gstr2_model::gstr2a::Gstr2a;
use gstr2_model::item::Item;
use gstr2_model::tables::{
    b2b::B2bInvoice, b2b_unregistered::B2bUnregisteredInvoice, b2ba::B2baInvoice,
    cdn::CreditDebitNote, cdn_unregistered::UnregisteredNote, cdna::CreditDebitNoteAmendment,
    imp_g::ImportOfGoods, imp_ga::ImportOfGoodsAmendment, imp_s::ImportOfServices,
    imp_sa::ImportOfServicesAmendment, txi::Advance, txia::AdvanceAmendment,
};
use gstr2_model::{Document, Gstin, ReturnPeriod, StateCode};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

use super::{problem, Problem};
use crate::sections::{Grouped, Sections};

/// What a document is checked against.
pub(super) struct Env<'a> {
    pub(super) receiver: Gstin,
    pub(super) period_end: NaiveDate,
    pub(super) gstr2a: &'a Gstr2a,
}

impl Env<'_> {
    fn date(&self, field: &str, date: NaiveDate) -> Result<(), Problem> {
        if date > self.period_end {
            return Err(problem(
                chosen::RECORD_DATE_OR_POS_INVALID,
                format!(
                    "{field} {} is after the return period (ends {})",
                    gstr2_model::date::format(date),
                    gstr2_model::date::format(self.period_end)
                ),
            ));
        }
        Ok(())
    }
}

pub(super) fn period_end(period: ReturnPeriod) -> NaiveDate {
    let first = period.first_day();
    first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

fn nonzero(v: Option<Decimal>) -> bool {
    v.is_some_and(|v| !v.is_zero())
}

/// Tax heads against the kind of supply: IGST only inter-state, CGST and SGST only intra-state.
fn check_heads(
    items: impl IntoIterator<Item = (u32, Option<Decimal>, Option<Decimal>, Option<Decimal>)>,
    inter: bool,
    why: &str,
) -> Result<(), Problem> {
    for (num, igst, cgst, sgst) in items {
        if inter && (nonzero(cgst) || nonzero(sgst)) {
            return Err(problem(
                chosen::RECORD_DATE_OR_POS_INVALID,
                format!("item {num}: cgst/sgst on an inter-state supply ({why})"),
            ));
        }
        if !inter && nonzero(igst) {
            return Err(problem(
                chosen::RECORD_DATE_OR_POS_INVALID,
                format!("item {num}: igst on an intra-state supply ({why})"),
            ));
        }
    }
    Ok(())
}

fn item_heads(
    items: &[Item],
) -> impl Iterator<Item = (u32, Option<Decimal>, Option<Decimal>, Option<Decimal>)> + '_ {
    items
        .iter()
        .map(|i| (i.number, i.detail.igst, i.detail.cgst, i.detail.sgst))
}

fn supplier_vs(supplier: Gstin, to: Option<StateCode>, what: &str) -> Option<(bool, String)> {
    let from = supplier.state_code()?;
    let to = to?;
    Some((from != to, format!("supplier state {from}, {what} {to}")))
}

/// A document of a section.
pub(super) trait Doc: DeserializeOwned + Clone + Document {
    /// The key within its section (or within its supplier).
    fn key(&self) -> String;
    /// Semantic checks; `supplier` is the `ctin` of grouped sections.
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem>;
}

/// A document of a section grouped by supplier, which may be a counterparty document.
pub(super) trait GroupedDoc: Doc {
    /// The `chksum` of the GSTR2A document with this supplier and key: `None` when GSTR2A has
    /// no such document, `Some(None)` when it has one without a checksum.
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>>;
    fn section(s: &mut Sections) -> &mut Grouped<Self>;
}

impl Doc for B2bInvoice {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)?;
        if let Some((inter, why)) =
            supplier.and_then(|s| supplier_vs(s, Some(self.place_of_supply), "place of supply"))
        {
            check_heads(item_heads(&self.items), inter, &why)?;
        }
        Ok(())
    }
}

impl GroupedDoc for B2bInvoice {
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>> {
        g.b2b
            .iter()
            .filter(|s| s.supplier_gstin == ctin)
            .flat_map(|s| &s.invoices)
            .find(|d| d.number == key)
            .map(|d| d.checksum.as_deref())
    }
    fn section(s: &mut Sections) -> &mut Grouped<Self> {
        &mut s.b2b
    }
}

impl Doc for B2baInvoice {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)?;
        env.date("oidt", self.original_date)?;
        if let Some((inter, why)) =
            supplier.and_then(|s| supplier_vs(s, Some(self.place_of_supply), "place of supply"))
        {
            check_heads(item_heads(&self.items), inter, &why)?;
        }
        Ok(())
    }
}

impl GroupedDoc for B2baInvoice {
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>> {
        g.b2ba
            .iter()
            .filter(|s| s.supplier_gstin == ctin)
            .flat_map(|s| &s.invoices)
            .find(|d| d.number == key)
            .map(|d| d.checksum.as_deref())
    }
    fn section(s: &mut Sections) -> &mut Grouped<Self> {
        &mut s.b2ba
    }
}

impl Doc for CreditDebitNote {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem> {
        env.date("nt_dt", self.date)?;
        if let Some(d) = self.invoice_date {
            env.date("idt", d)?;
        }
        // A note carries no place of supply: the receiver's state stands for it.
        if let Some((inter, why)) =
            supplier.and_then(|s| supplier_vs(s, env.receiver.state_code(), "receiver state"))
        {
            check_heads(item_heads(&self.items), inter, &why)?;
        }
        Ok(())
    }
}

impl GroupedDoc for CreditDebitNote {
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>> {
        g.cdn
            .iter()
            .filter(|s| s.supplier_gstin == ctin)
            .flat_map(|s| &s.notes)
            .find(|d| d.number == key)
            .map(|d| d.checksum.as_deref())
    }
    fn section(s: &mut Sections) -> &mut Grouped<Self> {
        &mut s.cdn
    }
}

impl Doc for CreditDebitNoteAmendment {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem> {
        env.date("nt_dt", self.date)?;
        env.date("ont_dt", self.original_date)?;
        if let Some((inter, why)) =
            supplier.and_then(|s| supplier_vs(s, env.receiver.state_code(), "receiver state"))
        {
            check_heads(item_heads(&self.items), inter, &why)?;
        }
        Ok(())
    }
}

impl GroupedDoc for CreditDebitNoteAmendment {
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>> {
        g.cdna
            .iter()
            .filter(|s| s.supplier_gstin == ctin)
            .flat_map(|s| &s.notes)
            .find(|d| d.number == key)
            .map(|d| d.checksum.as_deref())
    }
    fn section(s: &mut Sections) -> &mut Grouped<Self> {
        &mut s.cdna
    }
}

fn supply_type_heads(
    sply: &SupplyType,
    items: impl IntoIterator<Item = (u32, Option<Decimal>, Option<Decimal>, Option<Decimal>)>,
) -> Result<(), Problem> {
    match sply {
        SupplyType::Inter => check_heads(items, true, "sply_ty INTER"),
        SupplyType::Intra => check_heads(items, false, "sply_ty INTRA"),
        _ => Ok(()),
    }
}

impl Doc for B2bUnregisteredInvoice {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)?;
        supply_type_heads(&self.supply_type, item_heads(&self.items))
    }
}

impl Doc for ImportOfGoods {
    fn key(&self) -> String {
        self.bill_number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("boe_dt", self.bill_date)
    }
}

impl Doc for ImportOfGoodsAmendment {
    fn key(&self) -> String {
        self.bill_number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("boe_dt", self.bill_date)?;
        env.date("oboe_dt", self.original_bill_date)
    }
}

impl Doc for ImportOfServices {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)
    }
}

impl Doc for ImportOfServicesAmendment {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)?;
        env.date("oidt", self.original_date)
    }
}

impl Doc for UnregisteredNote {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("nt_dt", self.date)?;
        if let Some(d) = self.invoice_date {
            env.date("idt", d)?;
        }
        Ok(())
    }
}

impl Doc for Advance {
    fn key(&self) -> String {
        format!("{}/{}", self.place_of_supply, self.supply_type)
    }
    fn check(&self, _: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        supply_type_heads(
            &self.supply_type,
            self.items
                .iter()
                .map(|i| (i.number, i.igst, i.cgst, i.sgst)),
        )
    }
}

impl Doc for AdvanceAmendment {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("dt", self.date)?;
        env.date("otdt", self.original_date)
    }
}
