//! One large document parsed on two threads, giving the very tape (and the very errors) that
//! one thread gives.
//!
//! Large JSON documents are nearly always one long array (a FHIR Bundle's `entry`, a bulk
//! export): a second thread starts at an element boundary guessed near the middle of the input
//! (`}` `,` `{`, whitespace between) and parses elements from there to the array's `]`, while
//! this thread parses from the start. The guess is only a guess (those bytes may be inside a
//! string, or belong to a deeper array); it is confirmed when this thread, parsing as it always
//! does, arrives at exactly that offset at the start of an array element. Then the same bytes
//! would have been parsed the same way, so the second thread's tape is appended (its indices
//! shifted) and this thread goes on after the `]`. In every other case (the guess was wrong, the
//! second thread met an error or nested too deep, or no thread could be started) this thread
//! simply parses the rest itself, so errors are always found, and reported, as by one thread.
//!
//! The second thread hands over its tape in fragments (one per 8 MiB of input, each a tape of
//! its own, trimmed to what it holds), so that appending one frees it: at the peak, the copy
//! needs the memory of one fragment more than one thread would, not of the whole second half.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::document::{Document, AUX_FLAG, AUX_VALUE, IN_INPUT_ORDER};
use crate::error::ParseError;
use crate::parse::{ParseOptions, Parser, Stop};

/// Inputs from this length (64 MiB) are parsed on two threads. The second thread's fragment
/// in flight (about 10 MB at most) is then under a sixth of the input, so peak memory stays
/// within 2.5 times the input; and on the small hosts this is measured on, where zeroing fresh
/// pages is a large part of parsing, smaller inputs gain little.
pub(crate) const PARALLEL_FROM: usize = 64 << 20;

/// How much input each fragment of the second thread's tape covers (it ends at the first
/// element boundary after this many bytes).
const FRAGMENT_LEN: usize = 8 << 20;

/// The input length a fragment's vectors are first sized for: three times what it covers, so
/// that each of them is at least 4 MiB. Blocks that large are mapped on their own (by glibc,
/// and on huge pages by the `fhirsig` binary's allocator): the room not used costs address
/// space only, the second thread does not take a page fault per 4 KiB it writes, and a
/// fragment's memory goes back to the system as soon as it has been appended.
const FRAGMENT_ROOM: usize = 3 * FRAGMENT_LEN;

/// How far past the middle to look for an element boundary.
const SEARCH_LEN: usize = 1 << 20;

/// A guessed boundary is taken when the elements from it go on for this many bytes: a
/// boundary inside a short inner array (two codings of one Observation) ends sooner.
const PROBE_LEN: usize = 128 << 10;

/// Guesses tried, each after the end of the array the previous one was in, before giving up.
const GUESSES: usize = 32;

/// How the second thread chooses where to start and hands its tape over.
#[derive(Debug, Clone, Copy)]
struct Plan {
    /// The first guess.
    from: usize,
    /// Whether later guesses are looked for (`false`: only `from` is tried).
    search: bool,
    /// See [`PROBE_LEN`].
    probe_len: usize,
    /// See [`FRAGMENT_LEN`].
    fragment_len: usize,
    /// See [`FRAGMENT_ROOM`].
    room: usize,
}

/// What the second thread parsed: its tape in fragments, the number of elements, and where the
/// array's `]` is.
struct Ahead<'a> {
    fragments: Vec<Fragment<'a>>,
    elements: u32,
    end: usize,
    /// Its stack's high-water mark, the array itself counted.
    deepest: usize,
}

/// A tape indexed from 0, and which of its tokens index its other vectors.
struct Fragment<'a> {
    tape: Document<'a>,
    indexed: Vec<u32>,
}

/// Parses `input` (valid UTF-8, as `text`) on this thread and a second one. `None` when the
/// input offers no place to split or no thread can be had: the caller parses it alone.
pub(crate) fn parse_on_two_threads<'a>(
    input: &'a [u8],
    text: &'a str,
    options: &ParseOptions,
) -> Option<Result<Document<'a>, ParseError>> {
    // This thread also appends the second one's tape and parses what follows the array, so it
    // takes a little more than half.
    let from = element_boundary(input, input.len() / 2 + input.len() / 32)?;
    let plan = Plan {
        from,
        search: true,
        probe_len: PROBE_LEN,
        fragment_len: FRAGMENT_LEN,
        room: FRAGMENT_ROOM,
    };
    parse_with_plan(input, text, options.max_depth_limit(), plan)
}

/// [`parse_on_two_threads`] with the second thread starting at exactly `split` (no other guess
/// tried), in fragments of about `fragments.0` bytes, each with room for `fragments.1`.
#[cfg(test)]
fn parse_split_at<'a>(
    input: &'a [u8],
    text: &'a str,
    max_depth: usize,
    split: usize,
    (fragment_len, room): (usize, usize),
) -> Option<Result<Document<'a>, ParseError>> {
    let plan = Plan {
        from: split,
        search: false,
        probe_len: 0,
        fragment_len,
        room,
    };
    parse_with_plan(input, text, max_depth, plan)
}

/// [`parse_on_two_threads`] as `plan` says.
fn parse_with_plan<'a>(
    input: &'a [u8],
    text: &'a str,
    max_depth: usize,
    plan: Plan,
) -> Option<Result<Document<'a>, ParseError>> {
    let stop = AtomicBool::new(false);
    let (chosen, split) = std::sync::mpsc::sync_channel(1);
    std::thread::scope(|scope| {
        let stop = &stop;
        let ahead = std::thread::Builder::new()
            .name("fhirsig-jcs-parse".into())
            .spawn_scoped(scope, move || {
                parse_ahead(input, text, plan, max_depth, &chosen, stop)
            })
            .ok()?;
        let outcome = lead(input, text, (plan.from, &split), max_depth, ahead, stop);
        stop.store(true, Ordering::Relaxed);
        Some(outcome)
    })
}

/// A thread that parses ahead, and what it returns.
type AheadThread<'scope, 'a> = std::thread::ScopedJoinHandle<'scope, Result<Ahead<'a>, ()>>;

/// This thread's part: the whole document, with the second thread's elements spliced in when
/// parsing arrives at the first of them. The second thread says where that is (`split.1`) once
/// it has chosen, which is at or after `split.0`.
fn lead<'a>(
    input: &'a [u8],
    text: &'a str,
    (earliest, split): (usize, &std::sync::mpsc::Receiver<Option<usize>>),
    max_depth: usize,
    ahead: AheadThread<'_, 'a>,
    stop: &AtomicBool,
) -> Result<Document<'a>, ParseError> {
    let mut ahead = Some(ahead);
    let mut chosen = None;
    let mut parser = Parser::new(input, text, None, max_depth);
    parser.attention = earliest;
    parser.start()?;
    let mut after_value = false;
    loop {
        match parser.values(after_value)? {
            Stop::Handoff => {
                parser.attention = usize::MAX;
                after_value = false;
                let at = match chosen {
                    Some(at) => at,
                    None => {
                        // Nothing chosen (or the thread is gone): parse on alone.
                        let Ok(Some(at)) = split.recv() else {
                            give_up(&mut ahead, stop);
                            continue;
                        };
                        chosen = Some(at);
                        if parser.pos < at {
                            parser.attention = at;
                            continue;
                        }
                        at
                    }
                };
                let at_element =
                    parser.pos == at && parser.stack.last().is_some_and(|frame| !frame.is_object);
                if !at_element {
                    give_up(&mut ahead, stop);
                    continue;
                }
                let parsed = ahead
                    .take()
                    .and_then(|thread| thread.join().ok())
                    .and_then(Result::ok);
                // The array is at depth `stack.len()`; the second thread counted it as 1. Too
                // deep: this thread reaches the limit itself and says where.
                let depth_before = parser.stack.len() - 1;
                if let Some(ahead) = parsed.filter(|a| depth_before + a.deepest <= max_depth) {
                    splice(&mut parser, ahead);
                    after_value = true;
                }
            }
            Stop::End | Stop::Cut | Stop::SequenceEnd => return Ok(parser.doc),
        }
    }
}

/// The guess was wrong: the second thread is told to stop, and what it parsed is dropped now
/// if it has finished (else it stops at its next fragment).
fn give_up(ahead: &mut Option<AheadThread<'_, '_>>, stop: &AtomicBool) {
    stop.store(true, Ordering::Relaxed);
    if let Some(thread) = ahead.take_if(|thread| thread.is_finished()) {
        drop(thread.join());
    }
}

/// The second thread: chooses where to start (see [`Plan`]), says so on `chosen`, and parses the
/// elements from there to their array's `]`. `Err` when they do not parse (the first thread
/// finds out why, if it comes to that) or when told to stop.
fn parse_ahead<'a>(
    input: &'a [u8],
    text: &'a str,
    plan: Plan,
    max_depth: usize,
    chosen: &std::sync::mpsc::SyncSender<Option<usize>>,
    stop: &AtomicBool,
) -> Result<Ahead<'a>, ()> {
    let Some((mut parser, first_stop, from)) = probe(input, text, plan, max_depth) else {
        // The first thread parses on alone (and may have gone already).
        let _ = chosen.send(None);
        return Err(());
    };
    let _ = chosen.send(Some(from));
    let mut fragments = Vec::new();
    let mut next_stop = Some(first_stop);
    loop {
        let stopped = match next_stop.take() {
            Some(stopped) => stopped,
            None => {
                parser.attention = parser.pos.saturating_add(plan.fragment_len);
                parser.values(false).map_err(|_| ())?
            }
        };
        match stopped {
            Stop::Cut => {
                if stop.load(Ordering::Relaxed) {
                    return Err(());
                }
                // A fragment waits (for the first thread to arrive) at the size it has, not
                // the room it was given.
                trim(&mut parser.doc);
                let next = Document::with_room_for(text, plan.room);
                let next_indexed = Vec::with_capacity(plan.room / 64 + 4);
                fragments.push(Fragment {
                    tape: std::mem::replace(&mut parser.doc, next),
                    indexed: parser.indexed.replace(next_indexed).unwrap_or_default(),
                });
            }
            Stop::SequenceEnd => {
                trim(&mut parser.doc);
                let elements = parser.stack.first().map_or(0, |array| array.count + 1);
                fragments.push(Fragment {
                    tape: parser.doc,
                    indexed: parser.indexed.unwrap_or_default(),
                });
                return Ok(Ahead {
                    fragments,
                    elements,
                    end: parser.pos,
                    deepest: parser.deepest,
                });
            }
            Stop::End | Stop::Handoff => return Err(()),
        }
    }
}

/// Tries guesses from `plan.from` until the elements from one go on for `plan.probe_len`
/// bytes (or end after that): that parser, how it stopped, and where it started. A guess
/// whose elements end sooner was inside a short inner array; one that does not parse was not
/// an element.
fn probe<'a>(
    input: &'a [u8],
    text: &'a str,
    plan: Plan,
    max_depth: usize,
) -> Option<(Parser<'a, true>, Stop, usize)> {
    let window_end = plan.from.saturating_add(SEARCH_LEN);
    let mut at = plan.from;
    for _ in 0..GUESSES {
        let mut parser = Parser::sequence(input, text, at, plan.room, max_depth);
        let probe_end = at.saturating_add(plan.probe_len);
        parser.attention = probe_end;
        let stopped = parser.values(false);
        let long_enough = parser.pos >= probe_end;
        match stopped {
            Ok(Stop::Cut) => return Some((parser, Stop::Cut, at)),
            Ok(Stop::SequenceEnd) if long_enough => return Some((parser, Stop::SequenceEnd, at)),
            _ if !plan.search => return None,
            // After the end of the short array, or past a guess that did not parse.
            _ => {
                let after = parser.pos.max(at + 1);
                at = element_boundary(input, after).filter(|&next| next < window_end)?;
            }
        }
    }
    None
}

/// Gives back a tape's room beyond what it holds.
fn trim(tape: &mut Document<'_>) {
    tape.tokens.shrink_to_fit();
    tape.containers.shrink_to_fit();
    tape.order.shrink_to_fit();
}

/// Appends the second thread's tape to the first's, which stands at the first of those
/// elements, and moves it to their array's `]`.
fn splice<'a>(parser: &mut Parser<'a>, ahead: Ahead<'a>) {
    #[cfg(test)]
    tests::SPLICES.with(|n| n.set(n.get() + 1));
    #[cfg(test)]
    tests::SPLICED_ELEMENTS.with(|n| n.set(ahead.elements));
    for fragment in ahead.fragments {
        append(&mut parser.doc, fragment);
    }
    if let Some(array) = parser.stack.last_mut() {
        // The first element's index is `count`; each later one follows a `,`.
        array.count += ahead.elements.saturating_sub(1);
    }
    parser.pos = ahead.end;
}

/// Appends `part`, a tape indexed from 0, to `doc`: every index it holds into its own vectors
/// (tokens, containers, member orders, escaped strings) is shifted by where those now start.
fn append<'a>(doc: &mut Document<'a>, part: Fragment<'a>) {
    let Fragment {
        tape: part,
        indexed,
    } = part;
    // Indices fit in u32: the input is shorter than u32::MAX bytes, and every token, container
    // and escaped string takes at least one byte of it.
    let tokens_from = doc.tokens.len() as u32;
    let containers_from = doc.containers.len() as u32;
    let order_from = doc.order.len() as u32;
    let escaped_from = doc.decoded_ranges.len() as u32;
    let decoded_from = doc.decoded.len() as u32;
    doc.tokens.extend_from_slice(&part.tokens);
    let appended = doc
        .tokens
        .get_mut(tokens_from as usize..)
        .unwrap_or_default();
    for &index in &indexed {
        if let Some(token) = appended.get_mut(index as usize) {
            // A container's index, or (flagged) an escaped string's: numbers, which also use
            // the flag, are not listed.
            token.aux = if token.aux & AUX_FLAG != 0 {
                ((token.aux & AUX_VALUE) + escaped_from) | AUX_FLAG
            } else {
                token.aux + containers_from
            };
        }
    }
    doc.containers
        .extend(part.containers.iter().map(|container| {
            let mut container = *container;
            container.skip += tokens_from;
            if container.order != IN_INPUT_ORDER {
                container.order += order_from;
            }
            container
        }));
    // `order` holds, per object not written in order, its member count and then that many
    // key tokens.
    let mut rest = part.order.as_slice();
    while let Some((&count, after)) = rest.split_first() {
        let (keys, next) = after.split_at((count as usize).min(after.len()));
        doc.order.push(count);
        doc.order.extend(keys.iter().map(|key| key + tokens_from));
        rest = next;
    }
    doc.decoded_ranges
        .extend(part.decoded_ranges.iter().map(|range| {
            let mut range = *range;
            range.from += decoded_from;
            range.to += decoded_from;
            range
        }));
    doc.decoded.push_str(&part.decoded);
}

/// The offset of a `{` that follows `}` and `,` (whitespace allowed between) at or after
/// `from`, looking no further than [`SEARCH_LEN`] bytes: likely the start of an element of an
/// array of objects.
fn element_boundary(input: &[u8], from: usize) -> Option<usize> {
    let window = input.get(from..)?;
    let window = &window[..window.len().min(SEARCH_LEN)];
    let is_ws = |b: &u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    let mut at = 0;
    while let Some(close) = window.get(at..)?.iter().position(|&b| b == b'}') {
        let after_close = at + close + 1;
        let rest = window.get(after_close..)?;
        let comma = rest.iter().position(|b| !is_ws(b))?;
        if rest.get(comma) == Some(&b',') {
            let rest = rest.get(comma + 1..)?;
            let open = rest.iter().position(|b| !is_ws(b))?;
            if rest.get(open) == Some(&b'{') {
                return Some(from + after_close + comma + 1 + open);
            }
        }
        at = after_close;
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::parse::parse_with;
    use std::cell::Cell;

    thread_local! {
        /// How often this thread spliced a second thread's elements in.
        pub(super) static SPLICES: Cell<u32> = const { Cell::new(0) };
        /// How many elements the last splice on this thread took.
        pub(super) static SPLICED_ELEMENTS: Cell<u32> = const { Cell::new(0) };
    }

    fn splices() -> u32 {
        SPLICES.with(Cell::get)
    }

    fn serial(input: &[u8]) -> Result<Document<'_>, ParseError> {
        parse_with(input, &ParseOptions::default().threads(1))
    }

    /// The tape, field by field.
    fn assert_same_tape(a: &Document<'_>, b: &Document<'_>, context: &str) {
        assert_eq!(a.tokens, b.tokens, "tokens, {context}");
        assert_eq!(a.containers, b.containers, "containers, {context}");
        assert_eq!(a.order, b.order, "member orders, {context}");
        assert_eq!(a.decoded, b.decoded, "decoded strings, {context}");
        assert_eq!(
            a.decoded_ranges, b.decoded_ranges,
            "escaped strings, {context}"
        );
    }

    /// Parses `input` with the second thread started at every offset in turn (fragments of
    /// `fragment_len`), and checks each outcome against one thread's: the same tape or the
    /// same error. Returns how many offsets were spliced in.
    fn every_split(input: &str, fragment_len: usize, max_depth: usize) -> u32 {
        let bytes = input.as_bytes();
        let expected = parse_with(
            bytes,
            &ParseOptions::default().threads(1).max_depth(max_depth),
        );
        let before = splices();
        for split in 1..bytes.len() {
            let got = parse_split_at(bytes, input, max_depth, split, (fragment_len, fragment_len))
                .expect("a thread to be had");
            let context = format!("split at {split} of {input:?}");
            match (&expected, &got) {
                (Ok(a), Ok(b)) => {
                    assert_same_tape(a, b, &context);
                    assert_eq!(a.canonical_bytes(), b.canonical_bytes(), "{context}");
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{context}"),
                _ => panic!("{context}: {expected:?} against {got:?}"),
            }
        }
        splices() - before
    }

    const ENTRIES: &str = r#"{"resourceType": "Bundle", "type": "searchset",
      "entry": [
        {"resource": {"b": 1.50, "a": "\u00e9\n", "z": [1, {"y": 2, "x": [true, null]}]}},
        {"resource": {"id": "p1", "name": [{"family": "Ünal", "given": ["A\"}, {"]}]}},
        {"fullUrl": "urn:x", "resource": {"value": 1e2, "more": [[], {}, [{}]]}},
        {"resource": {"q": "\ud83d\ude00", "p": -0.0, "o": 123456789012345678}}
      ],
      "total": 4}"#;

    #[test]
    fn every_split_gives_the_tape_of_one_thread() {
        for fragment_len in [1, 16, 1 << 20] {
            let spliced = every_split(ENTRIES, fragment_len, 512);
            // Each element start of `entry` but the first, and of the arrays inside, is taken.
            assert!(
                spliced >= 3,
                "{spliced} splices with fragments of {fragment_len}"
            );
        }
    }

    #[test]
    fn errors_after_the_split_are_those_of_one_thread() {
        let broken = [
            // A duplicate name, a bad number, a lone surrogate, a bad escape, a control byte.
            ENTRIES.replace(r#""p": -0.0"#, r#""q": -0.0"#),
            ENTRIES.replace("1e2", "1e999"),
            ENTRIES.replace("\\ude00", "x"),
            ENTRIES.replace("\\u00e9", "\\x"),
            ENTRIES.replace("urn:x", "urn:\u{1}x"),
            // Truncated, unbalanced, trailing content, a missing comma between elements.
            ENTRIES[..ENTRIES.len() - 40].to_owned(),
            ENTRIES.replace("\"total\"", "] \"total\""),
            format!("{ENTRIES} {{}}"),
            ENTRIES.replace("}},\n        {\"fullUrl\"", "}}\n        {\"fullUrl\""),
            ENTRIES.replace("[[], {}, [{}]]", "[[], {}, [{}]"),
        ];
        for input in &broken {
            assert!(serial(input.as_bytes()).is_err(), "{input}");
            every_split(input, 16, 512);
        }
    }

    #[test]
    fn depth_is_limited_across_the_split() {
        // Elements nested six deep inside an array three deep: with a limit of 8 the second
        // thread's part is within its own limit but not the document's.
        let element = r#"{"a": [{"b": [{"c": 1}]}]}"#;
        let input = format!(r#"{{"x": [[[{element}, {element}, {element}]]]}}"#);
        for limit in [6, 7, 8, 9, 10, 512] {
            every_split(&input, 16, limit);
        }
    }

    #[test]
    fn the_guess_moves_out_of_short_inner_arrays() {
        // Every entry holds arrays of two or three objects: the first boundary past the middle
        // is most likely inside one of them, and the second thread must find the entries'.
        let mut input = String::from(r#"{"resourceType": "Bundle", "entry": ["#);
        let entries = 6_000;
        for i in 0..entries {
            if i > 0 {
                input.push_str(", ");
            }
            input.push_str(&format!(
                r#"{{"resource": {{"id": "o{i}", "code": {{"coding": [{{"system": "a", "code": "{i}"}}, {{"system": "b", "code": "x"}}, {{"code": "y"}}]}}, "identifier": [{{"value": "1"}}, {{"value": "2"}}], "valueQuantity": {{"value": {i}.5}}}}}}"#
            ));
        }
        input.push_str("]}");
        let bytes = input.as_bytes();
        let first = element_boundary(bytes, bytes.len() / 2 + bytes.len() / 32).unwrap();
        assert!(
            !input[first..].starts_with(r#"{"resource""#),
            "the first guess is an entry"
        );
        let expected = serial(bytes).unwrap();
        let mut options = ParseOptions::default();
        options.parallel_from = 0;
        let before = splices();
        let got = parse_with(bytes, &options).unwrap();
        assert_same_tape(&expected, &got, "inner arrays");
        assert_eq!(splices() - before, 1);
        let spliced = SPLICED_ELEMENTS.with(Cell::get);
        assert!(
            spliced > entries / 3,
            "the splice took {spliced} elements (first guess at {first}: {:?})",
            &input[first..first + 40]
        );
    }

    #[test]
    fn a_large_array_is_parsed_on_two_threads() {
        let mut input = String::from(r#"{"resourceType": "Bundle", "entry": ["#);
        for i in 0..20_000 {
            if i > 0 {
                input.push_str(",\n  ");
            }
            input.push_str(&format!(
                r#"{{"resource": {{"value": {i}.50, "id": "r{i}", "text": "\"{i}\"", "code": {{"b": 1, "a": [{i}, "x"]}}}}}}"#
            ));
        }
        input.push_str(r#"], "type": "searchset"}"#);
        let expected = serial(input.as_bytes()).unwrap();
        let before = splices();
        let mut options = ParseOptions::default();
        options.parallel_from = 0;
        let got = parse_with(input.as_bytes(), &options).unwrap();
        assert_eq!(
            splices() - before,
            1,
            "the second thread's elements were used"
        );
        assert_same_tape(&expected, &got, "20,000 entries");
        assert_eq!(expected.canonical_bytes(), got.canonical_bytes());
        // In fragments of about 4 KiB: many appended tapes.
        let split = element_boundary(input.as_bytes(), input.len() / 2).unwrap();
        let got = parse_split_at(input.as_bytes(), &input, 512, split, (4096, 4096))
            .unwrap()
            .unwrap();
        assert_same_tape(&expected, &got, "fragments of 4 KiB");
    }

    #[test]
    fn no_boundary_no_threads() {
        assert_eq!(element_boundary(b"[1, 2, 3, 4]", 0), None);
        assert_eq!(element_boundary(b"[{}, {}]", 0), Some(5));
        assert_eq!(element_boundary(b"[{} ,\n {}]", 0), Some(7));
        assert_eq!(element_boundary(b"[{}, 1, {}]", 0), None);
        assert_eq!(element_boundary(b"[{}, {}]", 100), None);
        let mut options = ParseOptions::default();
        options.parallel_from = 0;
        let before = splices();
        let doc = parse_with(b"[1, 2, 3]", &options).unwrap();
        assert_eq!(doc.canonical_bytes(), b"[1,2,3]");
        assert_eq!(splices(), before);
    }

    /// Strings whose text looks like element boundaries, escapes of every kind.
    const STRINGS: &[&str] = &[
        r#""""#,
        r#""a""#,
        r#""}, {""#,
        r#""}, {\"a\": [1]}, {""#,
        r#""\"}, {\"""#,
        r#""\\""#,
        r#""\\}, {""#,
        r#""\u00e9}, {""#,
        r#""\ud83d\ude00""#,
        r#""é€😀""#,
        r#""\/\b\f\n\r\t""#,
    ];
    const NUMBERS: &[&str] = &[
        "0",
        "-0.0",
        "1.50",
        "1e2",
        "123456789012345678",
        "5e-324",
        "2E+3",
        "-7",
    ];
    /// What one thread refuses.
    const BAD: &[&str] = &[
        r#""\ud83d""#,
        r#""\udc00""#,
        r#""\x""#,
        r#""\u12""#,
        "\"a\u{1}\"",
        r#""}, {"#,
        "1e999",
        "01",
        "1.",
        "-",
        "NaN",
        "-Infinity",
        "tru",
    ];
    /// Names that repeat (duplicates, also written with escapes) or sort out of input order.
    const KEYS: &[&str] = &[
        r#""a""#,
        r#""b""#,
        r#""\u0061""#,
        r#""é""#,
        r#""}, {""#,
        r#""\ud83d\ude00""#,
        r#""\uffff""#,
        r#""resource""#,
        r#""c""#,
        r#""d""#,
    ];
    const SPACES: &[&str] = &["", "", " ", "\n  ", "\t", "\r\n"];

    /// Random JSON text (valid more often than not), nested arrays and objects, as a string.
    fn json_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pick =
            |list: &'static [&'static str]| proptest::sample::select(list).prop_map(str::to_owned);
        let leaf = prop_oneof![
            10 => pick(STRINGS),
            10 => pick(NUMBERS),
            3 => pick(&["true", "false", "null"]),
            1 => pick(BAD),
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            let space = proptest::sample::select(SPACES);
            prop_oneof![
                proptest::collection::vec((inner.clone(), space.clone()), 0..6).prop_map(|items| {
                    let items: Vec<String> =
                        items.into_iter().map(|(v, s)| format!("{s}{v}")).collect();
                    format!("[{}]", items.join(","))
                }),
                proptest::collection::vec(
                    (proptest::sample::select(KEYS), inner.clone(), space.clone()),
                    0..4
                )
                .prop_map(|members| {
                    let members: Vec<String> = members
                        .into_iter()
                        .map(|(k, v, s)| format!("{s}{k}{s}:{v}"))
                        .collect();
                    format!("{{{}}}", members.join(", "))
                }),
                // The shape of a Bundle: an array of objects, `}, {` between them.
                proptest::collection::vec((inner, space), 1..6).prop_map(|items| {
                    let items: Vec<String> = items
                        .into_iter()
                        .map(|(v, s)| format!("{{\"r\":{s}{v}, \"id\": 1}}"))
                        .collect();
                    format!("[{}]", items.join(", "))
                }),
            ]
        })
    }

    /// A document, at times broken: cut short, a byte dropped or one put in.
    fn document() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        (
            json_text(),
            0..8u8,
            any::<proptest::sample::Index>(),
            proptest::sample::select(&["]", "}", ",", "{", "[", "\"", "\\", " ", "\u{feff}"][..]),
        )
            .prop_map(|(text, edit, at, byte)| {
                let boundaries: Vec<usize> = (0..=text.len())
                    .filter(|&i| text.is_char_boundary(i))
                    .collect();
                let i = *at.get(&boundaries);
                match edit {
                    0 => text[..i].to_owned(),
                    1 => {
                        let next = boundaries.iter().find(|&&b| b > i).copied();
                        next.map_or(text.clone(), |n| format!("{}{}", &text[..i], &text[n..]))
                    }
                    2 => format!("{}{}{}", &text[..i], byte, &text[i..]),
                    _ => text,
                }
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        #[test]
        fn random_documents_split_anywhere(
            input in document(),
            depth in proptest::sample::select(&[1usize, 2, 3, 4, 5, 7, 512][..]),
        ) {
            for fragment_len in [1, 7, 64] {
                every_split(&input, fragment_len, depth);
            }
            // And where the guess of a boundary puts the second thread.
            let mut options = ParseOptions::default().max_depth(depth);
            options.parallel_from = 0;
            let one = parse_with(input.as_bytes(), &options.clone().threads(1));
            match (one, parse_with(input.as_bytes(), &options)) {
                (Ok(a), Ok(b)) => assert_same_tape(&a, &b, &input),
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a, b),
                (a, b) => panic!("{input:?}: {a:?} against {b:?}"),
            }
        }
    }

    #[test]
    fn edges_of_the_input() {
        for input in [
            "",
            " ",
            "[",
            "[]",
            "[{}]",
            "[{},{}]",
            "[{}, {}]",
            "[{},{}",
            "[{},{}]]",
            "[{},{}] x",
            "[{},{},]",
            "\u{feff}[{}, {}]",
            "[[{}, {}], [{}, {}]]",
            "[[{}, {}]], [{}, {}]",
            "{\"a\": [{}, {}], \"a\": [{}, {}]}",
            "{\"a\": [{}, {}], \"b\": [{}, {\"x\": 1, \"x\": 2}]}",
            "[{}, {}, {\"x\": [{}, {}], \"x\": 0}]",
            "[[[[{}, {}]]], [[{}, {}]]]",
            "[1, {}, {}, \"\\u00e9\", 1e2, -0.0, [], {}]",
            // Strings whose text the second thread parses, without an error, as elements to a
            // `]`: a guess that one thread never confirms.
            "[{\"s\": \"}, {}, [1, {}], {}]\"}, {}]",
            "{\"s\": \"x}, {}, {}]\", \"t\": [{}, {}]}",
        ] {
            for depth in 1..6 {
                every_split(input, 1, depth);
                every_split(input, 3, depth);
            }
        }
    }

    #[test]
    fn depth_exactly_at_the_limit_across_the_split() {
        // The array holding the split at depth 3; its elements nest 1 to 4 deeper.
        for inner in [
            "{}",
            "{\"a\": []}",
            "{\"a\": [{}]}",
            "{\"a\": [{\"b\": []}]}",
        ] {
            let input = format!("[[[{inner}, {inner}, {inner}]], {inner}]");
            for depth in 1..10 {
                every_split(&input, 1, depth);
                every_split(&input, 1 << 20, depth);
            }
        }
    }

    #[test]
    fn element_counts_after_a_splice() {
        // Errors after the spliced array, whose pointers name later indices of the arrays
        // around it.
        let input = r#"[[{}, {}, {}, {}], [{}, {}], {"a": 1, "a": 2}]"#;
        assert_eq!(serial(input.as_bytes()).unwrap_err().pointer(), "/2/a");
        assert!(every_split(input, 1, 512) > 0);
        let input = r#"{"x": [{"y": [{}, {}, {}]}, {}, {}], "z": [0, {}, {}, 01]}"#;
        assert_eq!(serial(input.as_bytes()).unwrap_err().pointer(), "/z/3");
        assert!(every_split(input, 1, 512) > 0);
        // A document whose values name every element (pointers of the tape).
        let input = r#"[{"a": 1}, {"b": [2, {}]}, {"c": "\n"}, {}, {"d": 1.0}]"#;
        let expected = serial(input.as_bytes()).unwrap();
        for split in 1..input.len() {
            let got = parse_split_at(input.as_bytes(), input, 512, split, (1, 1))
                .unwrap()
                .unwrap();
            let pointers = |doc: &Document<'_>| -> Vec<String> {
                (0..doc.tokens.len() as u32)
                    .map(|i| doc.pointer_of(crate::document::NodeId(i)))
                    .collect()
            };
            assert_eq!(pointers(&expected), pointers(&got), "split at {split}");
        }
    }
}
