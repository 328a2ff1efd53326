//! The parsed document: a flat tape of tokens with spans into the input, and read-only views.
//!
//! Why a tape and not a tree of boxed values: a FHIR Bundle holds millions of small values, and a
//! tree allocates (and later frees) each of them. The tape is one `Vec` of 8-byte tokens; strings
//! without escapes stay in the input and are copied to the output verbatim, and each object's
//! RFC 8785 member order is computed once, while checking for duplicate names.
//!
//! A token is its first byte's offset and one word of detail. Its kind is not stored: the first
//! byte of a JSON value says it (`"` string, `{` object, `[` array, `t`, `f`, `n`, else a
//! number), and whoever asks for the kind is about to read the value's bytes anyway. Keeping
//! tokens at 8 bytes halves the memory a large document's tape takes (and the page faults of
//! writing it), which is most of the parser's cost beyond reading its input once.

use std::ops::Range;

/// What kind of JSON value a token holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    True,
    False,
    Number,
    String,
    Array,
    Object,
}

/// The kind of the JSON value whose first byte is `first` (the parser put a value there).
#[inline]
pub(crate) fn kind_of(first: u8) -> Kind {
    match first {
        b'"' => Kind::String,
        b'{' => Kind::Object,
        b'[' => Kind::Array,
        b't' => Kind::True,
        b'f' => Kind::False,
        b'n' => Kind::Null,
        _ => Kind::Number,
    }
}

/// Bit 31 of a string token's `aux`: the string was written with escapes, and the rest of `aux`
/// indexes `Document::decoded_ranges`. Of a number token's: its text is already its RFC 8785
/// form, so it is copied, not reformatted.
pub(crate) const AUX_FLAG: u32 = 1 << 31;
/// The other 31 bits of `aux`: a length or an index.
pub(crate) const AUX_VALUE: u32 = AUX_FLAG - 1;

/// One value of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// First byte of the value in the input (the quote, brace or bracket included).
    pub start: u32,
    /// String: its length in the input, quotes included, or (with [`AUX_FLAG`]) an index into
    /// `decoded_ranges`. Number: its length, with [`AUX_FLAG`] when verbatim. Array or object:
    /// an index into `containers`. Literals: unused.
    pub aux: u32,
}

/// A strictly parsed JSON document. Cheap to query; canonicalised with
/// [`Document::canonical_bytes`] or [`Document::write_canonical`].
#[derive(Debug)]
pub struct Document<'a> {
    pub(crate) text: &'a str,
    pub(crate) tokens: Vec<Token>,
    /// Decoded text of strings written with escapes.
    pub(crate) decoded: String,
    /// Per escaped string (indexed from its token's `aux`): its decoded text in `decoded` and
    /// its length in the input.
    pub(crate) decoded_ranges: Vec<EscapedString>,
    /// Per array or object: where its subtree ends and, for objects, where its member order is.
    pub(crate) containers: Vec<Container>,
    /// Per object: member count, then its key token indices in RFC 8785 order.
    pub(crate) order: Vec<u32>,
    /// The first token of every element of each array with at least [`INDEXED_ARRAY_LEN`]
    /// elements, by the array's token; built on the first [`Document::pointer_of`], so that
    /// naming every entry of a 100,000-entry Bundle is not quadratic.
    pub(crate) array_starts: std::sync::OnceLock<std::collections::HashMap<u32, Box<[u32]>>>,
}

/// Arrays at least this long get an element index for [`Document::pointer_of`]; shorter ones
/// are scanned.
const INDEXED_ARRAY_LEN: usize = 32;

/// What an array or object token needs beyond its first byte (kept aside so that every token
/// stays 8 bytes: a 30 MB Bundle has over two million tokens, and only one in five is a
/// container).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Container {
    /// Index of the first token after the container's subtree.
    pub skip: u32,
    /// One past its closing bracket or brace in the input.
    pub end: u32,
    /// Objects: index into `order` of the member count and sorted key tokens, or
    /// [`IN_INPUT_ORDER`].
    pub order: u32,
}

/// `Container::order` of an object whose members are written in RFC 8785 order already (two in
/// five objects of a FHIR Bundle: every one-member object, and many codings): its order is not
/// stored.
pub(crate) const IN_INPUT_ORDER: u32 = u32::MAX;

/// Where the decoded text of a string written with escapes is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EscapedString {
    /// Byte range in `Document::decoded`.
    pub from: u32,
    pub to: u32,
    /// The string's length in the input, quotes included.
    pub raw_len: u32,
}

/// Identifies one value of a [`Document`], for [`Exclusions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(crate) u32);

/// The kind of a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number (always a finite IEEE-754 double).
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// A read-only view of one value in a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Node<'d> {
    doc: &'d Document<'d>,
    index: u32,
}

impl<'a> Document<'a> {
    /// The top-level value.
    pub fn root(&self) -> Node<'_> {
        self.node(0)
    }

    /// The input text this document was parsed from.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The value with this id. Ids come from [`Node::id`] of this same document.
    pub fn node(&self, index: u32) -> Node<'_> {
        // Documents are covariant in 'a, so a view may borrow at the shorter lifetime.
        let doc: &Document<'_> = self;
        Node { doc, index }
    }

    /// The value an RFC 6901 JSON Pointer names (`""` is the root), if it exists.
    pub fn pointer(&self, pointer: &str) -> Option<Node<'_>> {
        let mut node = self.root();
        if pointer.is_empty() {
            return Some(node);
        }
        let rest = pointer.strip_prefix('/')?;
        for raw in rest.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            node = match node.kind() {
                NodeKind::Object => node.get(&token)?,
                NodeKind::Array => {
                    let valid =
                        token == "0" || (!token.starts_with('0') && !token.starts_with('+'));
                    let index: usize = token.parse().ok().filter(|_| valid)?;
                    node.elements().nth(index)?
                }
                _ => return None,
            };
        }
        Some(node)
    }

    /// The RFC 6901 JSON Pointer of a value of this document.
    pub fn pointer_of(&self, node: NodeId) -> String {
        let mut pointer = String::new();
        let mut current = self.root();
        while current.index != node.0 {
            let mut next = None;
            match current.kind() {
                NodeKind::Object => {
                    for (name, value) in current.members() {
                        if value.contains(node) {
                            crate::pointer::push_token(&mut pointer, name);
                            next = Some(value);
                            break;
                        }
                    }
                }
                NodeKind::Array => match self.indexed_elements(current.index) {
                    Some(starts) => {
                        // The element holding `node` is the last one that starts at or before it.
                        let position = starts.partition_point(|&start| start <= node.0);
                        if let Some(&start) = position.checked_sub(1).and_then(|p| starts.get(p)) {
                            let element = Node {
                                doc: self,
                                index: start,
                            };
                            if element.contains(node) {
                                crate::pointer::push_index(&mut pointer, position - 1);
                                next = Some(element);
                            }
                        }
                    }
                    None => {
                        for (position, element) in current.elements().enumerate() {
                            if element.contains(node) {
                                crate::pointer::push_index(&mut pointer, position);
                                next = Some(element);
                                break;
                            }
                        }
                    }
                },
                _ => {}
            }
            match next {
                Some(n) => current = n,
                // A member name's id, or an id from another document: the nearest value.
                None => break,
            }
        }
        pointer
    }

    pub(crate) fn token(&self, index: u32) -> &Token {
        &self.tokens[index as usize]
    }

    /// The kind of the value at `index`, read from its first byte.
    #[inline]
    pub(crate) fn kind(&self, index: u32) -> Kind {
        self.kind_at(self.token(index).start)
    }

    #[inline]
    pub(crate) fn kind_at(&self, start: u32) -> Kind {
        kind_of(
            self.text
                .as_bytes()
                .get(start as usize)
                .copied()
                .unwrap_or(b'0'),
        )
    }

    /// The input text of the value at `index`, exactly as written.
    pub(crate) fn value_text(&self, index: u32) -> &str {
        let start = self.token(index).start as usize;
        self.text
            .get(start..self.end_of(index) as usize)
            .unwrap_or_default()
    }

    /// One past the last byte of the value at `index` in the input.
    pub(crate) fn end_of(&self, index: u32) -> u32 {
        let token = self.token(index);
        match self.kind_at(token.start) {
            Kind::String if token.aux & AUX_FLAG != 0 => {
                let escaped = self.decoded_ranges[(token.aux & AUX_VALUE) as usize];
                token.start + escaped.raw_len
            }
            Kind::String | Kind::Number => token.start + (token.aux & AUX_VALUE),
            Kind::True | Kind::Null => token.start + 4,
            Kind::False => token.start + 5,
            Kind::Array | Kind::Object => self.containers[token.aux as usize].end,
        }
    }

    /// The value of the number token at `index`: its text parsed again (the tape keeps no
    /// doubles; only numbers that are not verbatim are ever asked for theirs on a hot path).
    pub(crate) fn number_value(&self, index: u32) -> f64 {
        crate::parse::number_value(self.value_text(index).as_bytes())
    }

    /// Whether the number token at `index` is written as RFC 8785 writes it.
    #[inline]
    pub(crate) fn is_verbatim_number(&self, index: u32) -> bool {
        self.token(index).aux & AUX_FLAG != 0
    }

    /// Whether the string token at `index` was written with escapes.
    #[inline]
    pub(crate) fn is_escaped_string(&self, index: u32) -> bool {
        self.token(index).aux & AUX_FLAG != 0
    }

    /// The element start tokens of the array at `index`, when it is long enough to be indexed.
    fn indexed_elements(&self, index: u32) -> Option<&[u32]> {
        self.array_starts
            .get_or_init(|| {
                let mut map = std::collections::HashMap::new();
                for (i, token) in self.tokens.iter().enumerate() {
                    if self.kind_at(token.start) != Kind::Array {
                        continue;
                    }
                    let Ok(i) = u32::try_from(i) else { break };
                    let skip = self.containers[token.aux as usize].skip;
                    let mut starts = Vec::new();
                    let mut next = i + 1;
                    while next < skip {
                        starts.push(next);
                        next = self.next_sibling(next);
                    }
                    if starts.len() >= INDEXED_ARRAY_LEN {
                        map.insert(i, starts.into_boxed_slice());
                    }
                }
                map
            })
            .get(&index)
            .map(|starts| &**starts)
    }

    /// Index of the token that follows the value at `index` and everything inside it.
    #[inline]
    pub(crate) fn next_sibling(&self, index: u32) -> u32 {
        let token = self.token(index);
        match self.kind_at(token.start) {
            Kind::Array | Kind::Object => self.containers[token.aux as usize].skip,
            _ => index + 1,
        }
    }

    /// The member name or string value of a string token, unescaped.
    pub(crate) fn string_text(&self, index: u32) -> &str {
        let token = self.token(index);
        if token.aux & AUX_FLAG != 0 {
            let escaped = self.decoded_ranges[(token.aux & AUX_VALUE) as usize];
            &self.decoded[escaped.from as usize..escaped.to as usize]
        } else {
            let start = token.start as usize;
            self.text
                .get(start + 1..start + token.aux as usize - 1)
                .unwrap_or_default()
        }
    }

    /// Whether the string token at `index` holds exactly `name` (unescaped).
    fn key_equals(&self, index: u32, name: &[u8]) -> bool {
        let token = self.token(index);
        if token.aux & AUX_FLAG != 0 {
            return self.string_text(index).as_bytes() == name;
        }
        // Unescaped: the text between the quotes is the name.
        if token.aux as usize != name.len() + 2 {
            return false;
        }
        let start = token.start as usize + 1;
        let Some(raw) = self.text.as_bytes().get(start..start + name.len()) else {
            return false;
        };
        // Names of one length mostly differ in their first byte: compare it before the rest.
        raw.first() == name.first() && raw == name
    }

    /// An object's key token indices in RFC 8785 order, or `None` when that is their input
    /// order.
    pub(crate) fn sorted_keys(&self, object: u32) -> Option<&[u32]> {
        let at = self.containers[self.token(object).aux as usize].order;
        if at == IN_INPUT_ORDER {
            return None;
        }
        let at = at as usize;
        let count = self.order.get(at).copied().unwrap_or(0) as usize;
        self.order.get(at + 1..at + 1 + count)
    }
}

impl<'d> Node<'d> {
    fn raw_kind(&self) -> Kind {
        self.doc.kind(self.index)
    }

    fn at(&self, index: u32) -> Node<'d> {
        Node {
            doc: self.doc,
            index,
        }
    }

    /// This value's identity, for [`Exclusions`] and [`Document::node`].
    pub fn id(&self) -> NodeId {
        NodeId(self.index)
    }

    /// What kind of value this is.
    pub fn kind(&self) -> NodeKind {
        match self.raw_kind() {
            Kind::Null => NodeKind::Null,
            Kind::True | Kind::False => NodeKind::Bool,
            Kind::Number => NodeKind::Number,
            Kind::String => NodeKind::String,
            Kind::Array => NodeKind::Array,
            Kind::Object => NodeKind::Object,
        }
    }

    /// Byte range of this value in the input text (quotes and brackets included).
    pub fn span(&self) -> Range<usize> {
        self.doc.token(self.index).start as usize..self.doc.end_of(self.index) as usize
    }

    /// The value's text exactly as it stands in the input.
    pub fn raw_text(&self) -> &'d str {
        self.doc.value_text(self.index)
    }

    /// The unescaped text of a string value.
    pub fn as_str(&self) -> Option<&'d str> {
        (self.raw_kind() == Kind::String).then(|| self.doc.string_text(self.index))
    }

    /// The value of a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.raw_kind() {
            Kind::True => Some(true),
            Kind::False => Some(false),
            _ => None,
        }
    }

    /// The value of a number, as the nearest IEEE-754 double (what RFC 8785 serialises).
    pub fn as_f64(&self) -> Option<f64> {
        (self.raw_kind() == Kind::Number).then(|| self.doc.number_value(self.index))
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        self.raw_kind() == Kind::Null
    }

    /// The member with this name, if this is an object that has one.
    pub fn get(&self, name: &str) -> Option<Node<'d>> {
        // Called for every entry of a large Bundle (resourceType, resource, contained, …): the
        // member names are compared as bytes, without making a `str` of each.
        if self.raw_kind() != Kind::Object {
            return None;
        }
        let end = self.doc.next_sibling(self.index);
        let mut key = self.index + 1;
        while key < end {
            if self.doc.key_equals(key, name.as_bytes()) {
                return Some(self.at(key + 1));
            }
            key = self.doc.next_sibling(key + 1);
        }
        None
    }

    /// An object's members in input order (empty for other kinds).
    pub fn members(&self) -> Members<'d> {
        let (next, end) = match self.raw_kind() {
            Kind::Object => (self.index + 1, self.doc.next_sibling(self.index)),
            _ => (0, 0),
        };
        Members {
            node: *self,
            next,
            end,
        }
    }

    /// An array's elements in order (empty for other kinds).
    pub fn elements(&self) -> Elements<'d> {
        let (next, end) = match self.raw_kind() {
            Kind::Array => (self.index + 1, self.doc.next_sibling(self.index)),
            _ => (0, 0),
        };
        Elements {
            node: *self,
            next,
            end,
        }
    }

    /// True if `other` lies inside this value (or is this value).
    pub fn contains(&self, other: NodeId) -> bool {
        (self.index..self.doc.next_sibling(self.index)).contains(&other.0)
    }
}

/// Iterator over an object's `(name, value)` members in input order.
#[derive(Debug)]
pub struct Members<'d> {
    node: Node<'d>,
    next: u32,
    end: u32,
}

impl<'d> Iterator for Members<'d> {
    type Item = (&'d str, Node<'d>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let key = self.next;
        let value = key + 1;
        self.next = self.node.doc.next_sibling(value);
        Some((self.node.doc.string_text(key), self.node.at(value)))
    }
}

/// Iterator over an array's elements.
#[derive(Debug)]
pub struct Elements<'d> {
    node: Node<'d>,
    next: u32,
    end: u32,
}

impl<'d> Iterator for Elements<'d> {
    type Item = Node<'d>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let element = self.next;
        self.next = self.node.doc.next_sibling(element);
        Some(self.node.at(element))
    }
}

/// Values to leave out when canonicalising: an excluded object member's value drops the whole
/// member; an excluded array element drops the element.
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    sorted: Vec<u32>,
}

impl Exclusions {
    /// No exclusions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Leaves this value (a member's value, or an array element) out.
    pub fn insert(&mut self, node: NodeId) {
        if let Err(at) = self.sorted.binary_search(&node.0) {
            self.sorted.insert(at, node.0);
        }
    }

    /// Whether this value is left out.
    pub fn contains(&self, node: NodeId) -> bool {
        !self.sorted.is_empty() && self.sorted.binary_search(&node.0).is_ok()
    }

    /// Whether nothing is left out.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// The excluded values.
    pub fn iter(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.sorted.iter().map(|&i| NodeId(i))
    }
}
