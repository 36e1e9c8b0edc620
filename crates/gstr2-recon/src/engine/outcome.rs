//! What a supplier's group gives ([`Outcome`]: a pair, or a document alone, as indices into the
//! sides), the report's order, and the [`MatchResult`] each outcome becomes.

use std::cmp::Ordering;

use chrono::NaiveDate;
use gstr2_model::Gstin;

use super::compare::{compare, fields_of, is_filed, pair_code};
use super::doc::Doc;
use super::side::SideState;
use super::SourceKind;
use crate::config::MatchConfig;
use crate::report::{
    ActionFlag, DocKey, DocKind, MatchCode, MatchResult, Reason, Rule, Suggestion,
};

/// One result of a group, as indices into the sides: built into its [`MatchResult`] only once
/// its place in the report is known, so that each result is written once, in place.
pub(super) enum Outcome {
    /// The two documents, paired by `rule`.
    Pair { o: usize, c: usize, rule: Rule },
    /// A taxpayer document without a counterparty.
    Own {
        o: usize,
        suggestions: Vec<Suggestion>,
    },
    /// A counterparty document without a taxpayer document.
    Counterparty {
        c: usize,
        suggestions: Vec<Suggestion>,
    },
}

/// A document's key, borrowed: it orders as [`DocKey`] does.
pub(super) type KeyRef<'d> = (Gstin, DocKind, &'d str, NaiveDate);

impl Outcome {
    /// What [`result_order`] compares of the result this outcome becomes, read from the
    /// documents.
    pub(super) fn order_key<'d>(
        &self,
        own: &'d SideState<'_>,
        cp: &'d SideState<'_>,
    ) -> OrderKey<'d> {
        let key = |d: &'d Doc<'_>| (d.supplier, d.kind, d.number, d.date);
        // The counted side first: the counterparty's when there is one.
        let (counted, o, c) = match *self {
            Outcome::Pair { o, c, .. } => {
                let (o, c) = (key(&own.docs[o]), key(&cp.docs[c]));
                (c, Some(o), Some(c))
            }
            Outcome::Own { o, .. } => (key(&own.docs[o]), Some(key(&own.docs[o])), None),
            Outcome::Counterparty { c, .. } => (key(&cp.docs[c]), None, Some(key(&cp.docs[c]))),
        };
        ((counted.0, counted.1), Some((counted.2, counted.3)), o, c)
    }

    /// The counterparty document, if the outcome has one.
    pub(super) fn counterparty(&self) -> Option<usize> {
        match *self {
            Outcome::Pair { c, .. } | Outcome::Counterparty { c, .. } => Some(c),
            Outcome::Own { .. } => None,
        }
    }

    /// The action the policy gives the result this outcome becomes, before any pending mark.
    pub(super) fn computed_action(
        &self,
        own: &SideState<'_>,
        cp: &SideState<'_>,
        config: &MatchConfig,
    ) -> ActionFlag {
        let (code, counterparty) = match *self {
            Outcome::Pair { o, c, .. } => {
                let cd = &cp.docs[c];
                (pair_code(&compare(&own.docs[o], cd, config)), Some(cd))
            }
            Outcome::Own { .. } => (MatchCode::TaxpayerOnly, None),
            Outcome::Counterparty { c, .. } => (MatchCode::CounterpartyOnly, Some(&cp.docs[c])),
        };
        match counterparty.map(|d| is_filed(d, config)) {
            Some(Err(_)) => ActionFlag::NoAction,
            _ => config.policy.action(code),
        }
    }

    pub(super) fn result(
        self,
        own: &SideState<'_>,
        cp: &SideState<'_>,
        config: &MatchConfig,
        source: SourceKind,
    ) -> MatchResult {
        match self {
            Outcome::Pair { o, c, rule } => pair_result(own, o, cp, c, rule, config),
            Outcome::Own { o, suggestions } => own_only(own, o, suggestions, config, source),
            Outcome::Counterparty { c, suggestions } => {
                counterparty_only(cp, c, suggestions, config)
            }
        }
    }
}

/// What the report is ordered by, borrowed: supplier and kind, the counted side's number and
/// date, then both sides' keys. [`Outcome::order_key`] gives the same from the documents.
pub(super) type OrderKey<'d> = (
    (Gstin, DocKind),
    Option<(&'d str, NaiveDate)>,
    Option<KeyRef<'d>>,
    Option<KeyRef<'d>>,
);

/// The report's order (see [`OrderKey`]).
pub(super) fn result_order(a: &MatchResult, b: &MatchResult) -> Ordering {
    result_key(a).cmp(&result_key(b))
}

fn result_key(r: &MatchResult) -> OrderKey<'_> {
    let counted = r.counterparty.as_ref().or(r.own.as_ref());
    (
        (r.supplier, r.kind),
        counted.map(|s| (s.key.number.as_str(), s.key.date)),
        r.own.as_ref().map(|s| key_ref(&s.key)),
        r.counterparty.as_ref().map(|s| key_ref(&s.key)),
    )
}

/// `k` as a [`KeyRef`].
fn key_ref(k: &DocKey) -> KeyRef<'_> {
    (k.supplier, k.kind, k.number.as_str(), k.date)
}

/// The supplier of the result an outcome becomes.
pub(super) fn outcome_supplier(o: &Outcome, own: &SideState<'_>, cp: &SideState<'_>) -> Gstin {
    match *o {
        Outcome::Pair { c, .. } | Outcome::Counterparty { c, .. } => cp.docs[c].supplier,
        Outcome::Own { o, .. } => own.docs[o].supplier,
    }
}

fn pair_result(
    own: &SideState<'_>,
    o: usize,
    cp: &SideState<'_>,
    c: usize,
    rule: Rule,
    config: &MatchConfig,
) -> MatchResult {
    let (od, cd) = (&own.docs[o], &cp.docs[c]);
    let differences = compare(od, cd, config);
    let beyond = fields_of(&differences, false);
    let within = fields_of(&differences, true);
    let code = pair_code(&differences);
    let mut reasons = Vec::new();
    match rule {
        Rule::Manual => reasons.push(Reason::LinkedByUser),
        _ if od.number != cd.number => reasons.push(Reason::NumberWrittenDifferently),
        _ => {}
    }
    if !within.is_empty() {
        reasons.push(Reason::WithinTolerance { fields: within });
    }
    if !beyond.is_empty() {
        reasons.push(Reason::BeyondTolerance { fields: beyond });
    }
    let mut action = config.policy.action(code);
    if let Err(r) = is_filed(cd, config) {
        action = ActionFlag::NoAction;
        reasons.push(r);
    }
    reasons.extend(cd.repeated());
    if cd.rejected {
        reasons.push(Reason::RejectedInGstr2b);
    }
    MatchResult {
        supplier: cd.supplier,
        kind: cd.kind,
        code,
        action,
        computed_action: action,
        rule: Some(rule),
        own: Some(own.side(o)),
        counterparty: Some(cp.side(c)),
        differences,
        reasons,
        suggestions: Vec::new(),
        ims_action: None,
        ims_reasons: Vec::new(),
    }
}

fn own_only(
    own: &SideState<'_>,
    o: usize,
    suggestions: Vec<Suggestion>,
    config: &MatchConfig,
    source: SourceKind,
) -> MatchResult {
    let d = &own.docs[o];
    let mut reasons = vec![source.not_in()];
    if !suggestions.is_empty() {
        reasons.push(Reason::ProbablePairs);
    }
    let action = config.policy.action(MatchCode::TaxpayerOnly);
    MatchResult {
        supplier: d.supplier,
        kind: d.kind,
        code: MatchCode::TaxpayerOnly,
        action,
        computed_action: action,
        rule: None,
        own: Some(own.side(o)),
        counterparty: None,
        differences: Vec::new(),
        reasons,
        suggestions,
        ims_action: None,
        ims_reasons: Vec::new(),
    }
}

fn counterparty_only(
    cp: &SideState<'_>,
    c: usize,
    suggestions: Vec<Suggestion>,
    config: &MatchConfig,
) -> MatchResult {
    let d = &cp.docs[c];
    let mut reasons = vec![Reason::NotInRegister];
    if !d.pairable {
        reasons.push(Reason::NotHeldByBooks);
    }
    if !suggestions.is_empty() {
        reasons.push(Reason::ProbablePairs);
    }
    let mut action = config.policy.action(MatchCode::CounterpartyOnly);
    if let Err(r) = is_filed(d, config) {
        action = ActionFlag::NoAction;
        reasons.push(r);
    }
    reasons.extend(d.repeated());
    if d.rejected {
        reasons.push(Reason::RejectedInGstr2b);
    }
    MatchResult {
        supplier: d.supplier,
        kind: d.kind,
        code: MatchCode::CounterpartyOnly,
        action,
        computed_action: action,
        rule: None,
        own: None,
        counterparty: Some(cp.side(c)),
        differences: Vec::new(),
        reasons,
        suggestions,
        ims_action: None,
        ims_reasons: Vec::new(),
    }
}
