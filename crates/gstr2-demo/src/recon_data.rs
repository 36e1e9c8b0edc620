//! A seeded generator of a realistic reconciliation input: the taxpayer's purchase register
//! (`b2b` and `cdn` of a [`Gstr2Payload`]) and the suppliers' GSTR2A ([`Gstr2a`], with `cfs` and
//! `chksum`), for benches, the `gen_recon_data` example and the baseline scripts.
//!
//! It uses only `gstr2_model` and `rand`, so that `gstr2-model`'s own tests can include the file
//! by path (a dependency on this crate would give them a second `gstr2_model`).
//!
//! The mix, drawn per document: about 70% the same on both sides, 10% the same document with its
//! number written differently in the register (`INV/2023-24/0042` vs `inv-42`: case, separators,
//! the fiscal-year fragment, leading zeros), 5% with amounts apart by at most ₹1, 5% with amounts
//! apart by more, 5% only in the register, 5% only in GSTR2A. About 8% of documents are credit or
//! debit notes (`cdn`), the rest invoices (`b2b`). Suppliers number in the thousands at a million
//! documents (one per 300 documents, at most 5000), unevenly loaded, about 5% of them with
//! `cfs` = `N`; `one_supplier` puts every document under a single supplier. Every date falls in
//! fiscal year 2023-24; the return period is March 2024.

use chrono::NaiveDate;
use gstr2_model::codes::{Eligibility, InvoiceType, NoteType, YesNo};
use gstr2_model::gstr2a::{Gstr2aB2bSupplier, Gstr2aCdnSupplier, Gstr2aInvoice, Gstr2aNote};
use gstr2_model::item::{Itc, Item, ItemDetail};
use gstr2_model::tables::b2b::{B2bInvoice, B2bSupplier};
use gstr2_model::tables::cdn::{CdnSupplier, CreditDebitNote};
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, ReturnPeriod, StateCode};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rust_decimal::{Decimal, RoundingStrategy};

/// The receiver: a Maharashtra GSTIN, so suppliers in state 27 charge CGST and SGST.
const RECEIVER: &str = "27AAPFU0939F1ZV";
const RECEIVER_STATE: u8 = 27;
/// Start year of the fiscal year every document falls in (2023-24).
const FY: i32 = 2023;

/// Generates `docs_per_side` documents for the register and as many for GSTR2A, from `seed`.
///
/// The same arguments give the same pair, on every machine.
pub fn generate(seed: u64, docs_per_side: usize, one_supplier: bool) -> (Gstr2Payload, Gstr2a) {
    let mut g = Generator::new(seed, docs_per_side, one_supplier);
    while g.register_docs < docs_per_side || g.gstr2a_docs < docs_per_side {
        g.document();
    }
    g.finish()
}

/// A part of a document number.
#[derive(Clone, Copy)]
enum Token {
    /// Letters, e.g. `INV`.
    Alpha(&'static str),
    /// The fiscal-year fragment.
    FiscalYear,
    /// The sequence number, zero-padded to a width.
    Seq(usize),
}

/// How one supplier writes its numbers: tokens, the separator between them, and how the
/// fiscal year looks.
struct Style {
    tokens: &'static [Token],
    separator: &'static str,
    fiscal_year: FyForm,
}

#[derive(Clone, Copy)]
enum FyForm {
    /// `2023-24`
    Long,
    /// `23-24`
    Short,
    /// `2324`
    Joined,
    /// `2023-2024`
    Full,
    /// `23/24`
    Slashed,
}

impl FyForm {
    const ALL: [FyForm; 5] = [
        FyForm::Long,
        FyForm::Short,
        FyForm::Joined,
        FyForm::Full,
        FyForm::Slashed,
    ];

    fn render(self) -> String {
        let (a, b) = (FY, FY + 1);
        match self {
            FyForm::Long => format!("{a}-{:02}", b % 100),
            FyForm::Short => format!("{:02}-{:02}", a % 100, b % 100),
            FyForm::Joined => format!("{:02}{:02}", a % 100, b % 100),
            FyForm::Full => format!("{a}-{b}"),
            FyForm::Slashed => format!("{:02}/{:02}", a % 100, b % 100),
        }
    }
}

static INVOICE_STYLES: [Style; 6] = [
    Style {
        tokens: &[Token::Alpha("INV"), Token::FiscalYear, Token::Seq(4)],
        separator: "/",
        fiscal_year: FyForm::Long,
    },
    Style {
        tokens: &[Token::Alpha("S"), Token::Seq(6)],
        separator: "",
        fiscal_year: FyForm::Long,
    },
    Style {
        tokens: &[Token::FiscalYear, Token::Seq(0)],
        separator: "/",
        fiscal_year: FyForm::Long,
    },
    Style {
        tokens: &[Token::Alpha("GST"), Token::Seq(0)],
        separator: "-",
        fiscal_year: FyForm::Long,
    },
    Style {
        tokens: &[Token::Seq(0)],
        separator: "",
        fiscal_year: FyForm::Long,
    },
    Style {
        tokens: &[Token::Alpha("TI"), Token::FiscalYear, Token::Seq(5)],
        separator: "-",
        fiscal_year: FyForm::Joined,
    },
];

static CREDIT_STYLE: Style = Style {
    tokens: &[Token::Alpha("CN"), Token::FiscalYear, Token::Seq(4)],
    separator: "/",
    fiscal_year: FyForm::Long,
};

static DEBIT_STYLE: Style = Style {
    tokens: &[Token::Alpha("DN"), Token::FiscalYear, Token::Seq(4)],
    separator: "/",
    fiscal_year: FyForm::Long,
};

impl Style {
    /// The number as the supplier writes it.
    fn canonical(&self, seq: u64) -> String {
        self.render(seq, 0)
    }

    /// The number with the sequence padded `extra` zeros wider.
    fn render(&self, seq: u64, extra: usize) -> String {
        let mut out = String::new();
        for (i, token) in self.tokens.iter().enumerate() {
            if i > 0 {
                out.push_str(self.separator);
            }
            match *token {
                Token::Alpha(s) => out.push_str(s),
                Token::FiscalYear => out.push_str(&self.fiscal_year.render()),
                Token::Seq(width) => {
                    let width = width.max(seq.to_string().len()) + extra;
                    out.push_str(&format!("{seq:0width$}"));
                }
            }
        }
        out
    }

    /// The same number as the buyer might have keyed it: case, separators, the fiscal-year
    /// fragment (dropped or written another way) and leading zeros change, but it normalises to
    /// the same number. Never equal to [`Style::canonical`].
    fn variant(&self, seq: u64, rng: &mut StdRng) -> String {
        let canonical = self.canonical(seq);
        for _ in 0..8 {
            let separator = ["/", "-", "_", " ", ".", ""][rng.gen_range(0..6)];
            let lower = rng.gen_bool(0.5);
            let mut out = String::new();
            let mut previous_digit: Option<bool> = None;
            for token in self.tokens {
                let (text, digit) = match *token {
                    Token::Alpha(s) => (
                        if lower {
                            s.to_ascii_lowercase()
                        } else {
                            s.to_owned()
                        },
                        false,
                    ),
                    Token::FiscalYear => {
                        if rng.gen_bool(0.5) {
                            continue;
                        }
                        (FyForm::ALL[rng.gen_range(0..5)].render(), true)
                    }
                    Token::Seq(_) => {
                        let zeros = rng.gen_range(0..4);
                        (format!("{}{seq}", "0".repeat(zeros)), true)
                    }
                };
                if let Some(previous) = previous_digit {
                    // Two runs of digits must stay apart; letters and digits may touch.
                    if separator.is_empty() && previous && digit {
                        out.push('-');
                    } else {
                        out.push_str(separator);
                    }
                }
                out.push_str(&text);
                previous_digit = Some(digit);
            }
            if out != canonical {
                return out;
            }
        }
        // Always distinct: the sequence number padded wider than the supplier pads it.
        self.render(seq, 2).to_ascii_lowercase()
    }
}

struct Supplier {
    gstin: Gstin,
    filed: bool,
    style: usize,
    next_invoice: u64,
    next_note: u64,
    last_invoice: Option<(String, NaiveDate)>,
}

/// One document as both sides may hold it.
struct Pair {
    supplier: usize,
    register: Option<Doc>,
    gstr2a: Option<Doc>,
}

#[derive(Clone)]
struct Doc {
    note: Option<NoteType>,
    number: String,
    date: NaiveDate,
    value: Decimal,
    pos: StateCode,
    reverse_charge: bool,
    invoice: Option<(String, NaiveDate)>,
    items: Vec<Line>,
}

#[derive(Clone)]
struct Line {
    rate: Decimal,
    taxable: Decimal,
    igst: Option<Decimal>,
    cgst: Option<Decimal>,
    sgst: Option<Decimal>,
    cess: Decimal,
    eligibility: Eligibility,
}

impl Line {
    fn tax(&self) -> Decimal {
        self.igst.unwrap_or_default()
            + self.cgst.unwrap_or_default()
            + self.sgst.unwrap_or_default()
            + self.cess
    }
}

struct Generator {
    rng: StdRng,
    suppliers: Vec<Supplier>,
    docs: Vec<Pair>,
    docs_per_side: usize,
    register_docs: usize,
    gstr2a_docs: usize,
}

fn rupees(paise: i64) -> Decimal {
    Decimal::new(paise, 2)
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn gstin(state: u8, index: usize, rng: &mut StdRng) -> Gstin {
    let letter = |n: usize| char::from(b'A' + (n % 26) as u8);
    let mut s = format!("{state:02}");
    // Places 3-5 encode the index, so suppliers never collide.
    s.push(letter(index / 676));
    s.push(letter(index / 26));
    s.push(letter(index));
    s.push(['C', 'F', 'P', 'H'][rng.gen_range(0..4)]);
    s.push(letter(rng.gen_range(0..26)));
    s.push_str(&format!("{:04}", rng.gen_range(0..10_000)));
    s.push(letter(rng.gen_range(0..26)));
    s.push('1');
    s.push('Z');
    let check = gstr2_model::gstin::check_character(s.as_bytes());
    s.push(char::from(check));
    Gstin::parse(&s).expect("generated GSTINs are valid by construction")
}

impl Generator {
    fn new(seed: u64, docs_per_side: usize, one_supplier: bool) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let count = if one_supplier {
            1
        } else {
            (docs_per_side / 300).clamp(1, 5000)
        };
        let suppliers = (0..count)
            .map(|index| {
                let state = if rng.gen_bool(0.4) {
                    RECEIVER_STATE
                } else {
                    rng.gen_range(1..=37)
                };
                Supplier {
                    gstin: gstin(state, index, &mut rng),
                    filed: one_supplier || !rng.gen_bool(0.05),
                    style: rng.gen_range(0..INVOICE_STYLES.len()),
                    next_invoice: rng.gen_range(1..100),
                    next_note: rng.gen_range(1..20),
                    last_invoice: None,
                }
            })
            .collect();
        Generator {
            rng,
            suppliers,
            docs: Vec::with_capacity(docs_per_side + docs_per_side / 10),
            docs_per_side,
            register_docs: 0,
            gstr2a_docs: 0,
        }
    }

    fn date(&mut self) -> NaiveDate {
        let start = NaiveDate::from_ymd_opt(FY, 4, 1).unwrap_or_default();
        start + chrono::Days::new(self.rng.gen_range(0..366))
    }

    fn lines(&mut self, intra: bool) -> Vec<Line> {
        let count = match self.rng.gen_range(0..10) {
            0..=6 => 1,
            7 | 8 => 2,
            _ => 3,
        };
        (0..count)
            .map(|_| {
                let rate = [5, 12, 18, 18, 18, 28][self.rng.gen_range(0..6)];
                let rate = Decimal::from(rate);
                let taxable = rupees(self.rng.gen_range(10_000..50_000_000));
                let cess = if rate == Decimal::from(28) && self.rng.gen_bool(0.3) {
                    round2(taxable * Decimal::from(12) / Decimal::from(100))
                } else {
                    Decimal::ZERO
                };
                let (igst, cgst, sgst) = if intra {
                    let half = round2(taxable * rate / Decimal::from(200));
                    (None, Some(half), Some(half))
                } else {
                    (
                        Some(round2(taxable * rate / Decimal::from(100))),
                        None,
                        None,
                    )
                };
                let eligibility = match self.rng.gen_range(0..20) {
                    0..=14 => Eligibility::Inputs,
                    15..=17 => Eligibility::InputServices,
                    _ => Eligibility::CapitalGoods,
                };
                Line {
                    rate,
                    taxable,
                    igst,
                    cgst,
                    sgst,
                    cess,
                    eligibility,
                }
            })
            .collect()
    }

    /// Draws one document and its category, and records it on the sides that still need
    /// documents.
    fn document(&mut self) {
        let n = self.suppliers.len();
        let u: f64 = self.rng.gen();
        let supplier = ((u * u * n as f64) as usize).min(n - 1);
        let intra = self.suppliers[supplier].gstin.state_code() == StateCode::new(RECEIVER_STATE);
        let note = if self.rng.gen_bool(0.08) {
            Some(if self.rng.gen_bool(0.8) {
                NoteType::Credit
            } else {
                NoteType::Debit
            })
        } else {
            None
        };
        let drawn = self.date();
        let s = &mut self.suppliers[supplier];
        let (style, seq) = match note {
            None => {
                s.next_invoice += 1;
                (&INVOICE_STYLES[s.style], s.next_invoice)
            }
            Some(NoteType::Debit) => {
                s.next_note += 1;
                (&DEBIT_STYLE, s.next_note)
            }
            Some(_) => {
                s.next_note += 1;
                (&CREDIT_STYLE, s.next_note)
            }
        };
        let number = style.canonical(seq);
        let (date, invoice) = if note.is_some() {
            // A note follows the invoice it adjusts.
            let invoice = s.last_invoice.clone();
            let date = invoice.as_ref().map_or(drawn, |(_, d)| drawn.max(*d));
            (date, invoice)
        } else {
            s.last_invoice = Some((number.clone(), drawn));
            (drawn, None)
        };
        let items = self.lines(intra);
        let value = items.iter().map(|l| l.taxable + l.tax()).sum();
        let doc = Doc {
            note,
            number,
            date,
            value,
            pos: StateCode::new(RECEIVER_STATE).unwrap_or(StateCode::OTHER_TERRITORY),
            reverse_charge: self.rng.gen_bool(0.01),
            invoice,
            items,
        };
        let (register, gstr2a) = match self.rng.gen_range(0..100) {
            // Exact.
            0..=69 => (Some(doc.clone()), Some(doc)),
            // Renumbered in the register.
            70..=79 => {
                let mut mine = doc.clone();
                mine.number = style.variant(seq, &mut self.rng);
                (Some(mine), Some(doc))
            }
            // Amounts within ₹1 on the supplier's side.
            80..=84 => {
                let theirs = self.nudge(&doc, 1, 100);
                (Some(doc), Some(theirs))
            }
            // Amounts beyond tolerance.
            85..=89 => {
                let theirs = self.nudge(&doc, 101, 500_000);
                (Some(doc), Some(theirs))
            }
            90..=94 => (Some(doc), None),
            _ => (None, Some(doc)),
        };
        let register = register.filter(|_| self.register_docs < self.docs_per_side);
        let gstr2a = gstr2a.filter(|_| self.gstr2a_docs < self.docs_per_side);
        self.register_docs += usize::from(register.is_some());
        self.gstr2a_docs += usize::from(gstr2a.is_some());
        if register.is_some() || gstr2a.is_some() {
            self.docs.push(Pair {
                supplier,
                register,
                gstr2a,
            });
        }
    }

    /// The same document with one amount moved by `min..=max` paise either way: the value, an
    /// item's taxable value, or an item's tax.
    fn nudge(&mut self, doc: &Doc, min: i64, max: i64) -> Doc {
        let mut d = doc.clone();
        let delta = rupees(self.rng.gen_range(min..=max));
        let delta = if self.rng.gen_bool(0.5) {
            delta
        } else {
            -delta
        };
        let line = self.rng.gen_range(0..d.items.len());
        let Some(item) = d.items.get_mut(line) else {
            return d;
        };
        match self.rng.gen_range(0..3) {
            0 => d.value = (d.value + delta).max(Decimal::ZERO),
            1 => {
                item.taxable = (item.taxable + delta).max(Decimal::ZERO);
                d.value = (d.value + delta).max(Decimal::ZERO);
            }
            _ => {
                let head = match (&mut item.igst, &mut item.cgst) {
                    (Some(igst), _) => igst,
                    (None, Some(cgst)) => cgst,
                    (None, None) => &mut item.cess,
                };
                *head = (*head + delta).max(Decimal::ZERO);
            }
        }
        d
    }

    fn finish(mut self) -> (Gstr2Payload, Gstr2a) {
        let n = self.suppliers.len();
        let mut reg_inv: Vec<Vec<B2bInvoice>> = (0..n).map(|_| Vec::new()).collect();
        let mut reg_nt: Vec<Vec<CreditDebitNote>> = (0..n).map(|_| Vec::new()).collect();
        let mut two_inv: Vec<Vec<Gstr2aInvoice>> = (0..n).map(|_| Vec::new()).collect();
        let mut two_nt: Vec<Vec<Gstr2aNote>> = (0..n).map(|_| Vec::new()).collect();
        let docs = std::mem::take(&mut self.docs);
        for pair in docs {
            let s = pair.supplier;
            if let Some(doc) = pair.register {
                match doc.note.clone() {
                    None => reg_inv[s].push(register_invoice(doc)),
                    Some(t) => reg_nt[s].push(register_note(doc, t)),
                }
            }
            if let Some(doc) = pair.gstr2a {
                let checksum = format!("{:016x}", self.rng.gen::<u64>());
                match doc.note.clone() {
                    None => two_inv[s].push(gstr2a_invoice(doc, checksum)),
                    Some(t) => two_nt[s].push(gstr2a_note(doc, t, checksum)),
                }
            }
        }
        let receiver = Gstin::parse(RECEIVER).expect("the receiver GSTIN is valid");
        let fp = ReturnPeriod::new(3, 2024).expect("March 2024 is a return period");
        let mut payload = Gstr2Payload::new(receiver, fp);
        let mut gstr2a = Gstr2a {
            gstin: Some(receiver),
            fp: Some(fp),
            ..Gstr2a::default()
        };
        for (i, s) in self.suppliers.iter().enumerate() {
            let invoices = std::mem::take(&mut reg_inv[i]);
            if !invoices.is_empty() {
                payload.b2b.push(B2bSupplier {
                    supplier_gstin: s.gstin,
                    filing_status: None,
                    invoices,
                });
            }
            let notes = std::mem::take(&mut reg_nt[i]);
            if !notes.is_empty() {
                payload.cdn.push(CdnSupplier {
                    supplier_gstin: s.gstin,
                    filing_status: None,
                    notes,
                });
            }
            let cfs = Some(YesNo::from(s.filed));
            let mut invoices = std::mem::take(&mut two_inv[i]);
            invoices.shuffle(&mut self.rng);
            if !invoices.is_empty() {
                gstr2a.b2b.push(Gstr2aB2bSupplier {
                    supplier_gstin: s.gstin,
                    filing_status: cfs.clone(),
                    filing_status_3b: cfs.clone(),
                    cancelled_on: None,
                    gstr1_filed_on: None,
                    gstr1_period: None,
                    invoices,
                });
            }
            let mut notes = std::mem::take(&mut two_nt[i]);
            notes.shuffle(&mut self.rng);
            if !notes.is_empty() {
                gstr2a.cdn.push(Gstr2aCdnSupplier {
                    supplier_gstin: s.gstin,
                    filing_status: cfs.clone(),
                    filing_status_3b: cfs,
                    cancelled_on: None,
                    gstr1_filed_on: None,
                    gstr1_period: None,
                    notes,
                });
            }
        }
        // GSTN does not list suppliers in the register's order.
        gstr2a.b2b.shuffle(&mut self.rng);
        gstr2a.cdn.shuffle(&mut self.rng);
        (payload, gstr2a)
    }
}

fn items(lines: &[Line], with_itc: bool) -> Vec<Item> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| Item {
            number: i as u32 + 1,
            detail: ItemDetail {
                rate: l.rate,
                taxable_value: l.taxable,
                igst: l.igst,
                cgst: l.cgst,
                sgst: l.sgst,
                cess: Some(l.cess),
                extra: None,
            },
            itc: with_itc.then(|| {
                Box::new(Itc {
                    eligibility: l.eligibility.clone(),
                    igst: l.igst,
                    cgst: l.cgst,
                    sgst: l.sgst,
                    cess: Some(l.cess),
                    this_month: None,
                })
            }),
        })
        .collect()
}

fn register_invoice(d: Doc) -> B2bInvoice {
    B2bInvoice {
        flag: None,
        checksum: None,
        number: d.number,
        date: d.date,
        value: d.value,
        place_of_supply: d.pos,
        reverse_charge: YesNo::from(d.reverse_charge),
        uploaded_by: None,
        counterparty_flag: None,
        original_period: None,
        invoice_type: Some(InvoiceType::Regular),
        items: items(&d.items, true),
    }
}

fn register_note(d: Doc, note_type: NoteType) -> CreditDebitNote {
    let (invoice_number, invoice_date) =
        d.invoice.map_or((None, None), |(n, t)| (Some(n), Some(t)));
    CreditDebitNote {
        flag: None,
        checksum: None,
        note_type,
        number: d.number,
        date: d.date,
        reason: Some("01-Sales Return".to_owned()),
        pre_gst: Some(YesNo::No),
        invoice_number,
        invoice_date,
        value: d.value,
        uploaded_by: None,
        counterparty_flag: None,
        original_period: None,
        items: items(&d.items, true),
    }
}

fn gstr2a_invoice(d: Doc, checksum: String) -> Gstr2aInvoice {
    Gstr2aInvoice {
        checksum: Some(checksum),
        number: d.number,
        date: d.date,
        value: d.value,
        place_of_supply: Some(d.pos),
        reverse_charge: Some(YesNo::from(d.reverse_charge)),
        invoice_type: Some(InvoiceType::Regular),
        diff_percent: None,
        amended_in: None,
        amendment_type: None,
        source: None,
        irn: None,
        irn_date: None,
        items: items(&d.items, false),
    }
}

fn gstr2a_note(d: Doc, note_type: NoteType, checksum: String) -> Gstr2aNote {
    let (invoice_number, invoice_date) =
        d.invoice.map_or((None, None), |(n, t)| (Some(n), Some(t)));
    Gstr2aNote {
        checksum: Some(checksum),
        note_type,
        number: d.number,
        date: d.date,
        pre_gst: Some(YesNo::No),
        invoice_number,
        invoice_date,
        value: d.value,
        counterparty_flag: None,
        uploaded_by: None,
        delete_flag: None,
        place_of_supply: Some(d.pos),
        reverse_charge: Some(YesNo::from(d.reverse_charge)),
        invoice_type: Some(InvoiceType::Regular),
        diff_percent: None,
        amended_in: None,
        amendment_type: None,
        source: None,
        irn: None,
        irn_date: None,
        items: items(&d.items, false),
    }
}
