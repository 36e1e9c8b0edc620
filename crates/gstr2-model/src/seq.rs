//! JSON arrays read into vectors of exactly their length.
//!
//! serde's own `Vec` reading grows the vector as elements arrive: a document's one item ends up
//! in room for four, and a large GSTR2A download carries far more room than its items fill. The
//! vectors of documents and items are read here instead: the first few elements are held on the
//! stack, the vector is then allocated once with the room it needs, and a longer array is
//! trimmed to its length at the end.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};

/// Elements held on the stack before the vector is allocated: most documents have fewer items.
const HEAD: usize = 4;

/// Reads a JSON array into a `Vec` whose capacity equals its length
/// (`#[serde(deserialize_with = "crate::seq::exact")]`).
pub(crate) fn exact<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Exact<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Exact<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sequence")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut head: [Option<T>; HEAD] = [None, None, None, None];
            let mut held = 0;
            while held < HEAD {
                match seq.next_element()? {
                    Some(element) => {
                        if let Some(slot) = head.get_mut(held) {
                            *slot = Some(element);
                        }
                        held += 1;
                    }
                    None => {
                        let mut out = Vec::with_capacity(held);
                        out.extend(head.into_iter().flatten());
                        return Ok(out);
                    }
                }
            }
            let room = seq.size_hint().unwrap_or(HEAD).clamp(HEAD, 4096);
            let mut out = Vec::with_capacity(HEAD + room);
            out.extend(head.into_iter().flatten());
            while let Some(element) = seq.next_element()? {
                out.push(element);
            }
            out.shrink_to_fit();
            Ok(out)
        }
    }

    d.deserialize_seq(Exact(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(deserialize_with = "super::exact")]
        v: Vec<u32>,
    }

    #[test]
    fn vectors_have_exactly_their_length() {
        for n in 0..40usize {
            let list: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let text = format!("{{\"v\":[{}]}}", list.join(","));
            let t: T = serde_json::from_str(&text).expect("valid");
            assert_eq!(t.v, (0..n as u32).collect::<Vec<_>>());
            assert_eq!(t.v.capacity(), n, "{n} elements");
        }
        let err = serde_json::from_str::<T>(r#"{"v":[1,2,"x"]}"#).err();
        assert!(err.is_some_and(|e| e.to_string().contains("invalid type")));
    }

    /// What the module's docs say of serde's own reading: one element ends up in room for four.
    #[test]
    fn serde_leaves_one_element_in_room_for_four() {
        let v: Vec<crate::Item> =
            serde_json::from_str(r#"[{"num":1,"itm_det":{"rt":5,"txval":1}}]"#).expect("an item");
        assert_eq!((v.len(), v.capacity()), (1, 4));
    }
}
