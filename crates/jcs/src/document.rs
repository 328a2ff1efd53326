//! The parsed document: a flat tape of tokens with spans into the input, and read-only views.
//!
//! Why a tape and not a tree of boxed values: a FHIR Bundle holds millions of small values, and a
//! tree allocates (and later frees) each of them. The tape is one `Vec` of 20-byte tokens; strings
//! without escapes stay in the input and are copied to the output verbatim, and each object's
//! RFC 8785 member order is computed once, while checking for duplicate names.

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

/// The string was written with escapes: its decoded text lives in `Document::decoded`.
pub(crate) const FLAG_ESCAPED: u8 = 1;
/// The number's text is already its RFC 8785 form, so it is copied, not reformatted.
pub(crate) const FLAG_VERBATIM: u8 = 2;

/// One value of the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    /// First byte of the value in the input (the quote, brace or bracket included).
    pub start: u32,
    /// One past its last byte.
    pub end: u32,
    /// Array: index of the first token after this value's subtree. Object: index into
    /// `objects`. Number: index into `numbers`. Escaped string: index into `decoded_ranges`.
    pub aux: u32,
    pub kind: Kind,
    pub flags: u8,
}

/// A strictly parsed JSON document. Cheap to query; canonicalised with
/// [`Document::canonical_bytes`] or [`Document::write_canonical`].
#[derive(Debug)]
pub struct Document<'a> {
    pub(crate) text: &'a str,
    pub(crate) tokens: Vec<Token>,
    pub(crate) numbers: Vec<f64>,
    /// Decoded text of strings written with escapes.
    pub(crate) decoded: String,
    /// Byte ranges into `decoded`, indexed by an escaped string token's `aux`.
    pub(crate) decoded_ranges: Vec<(u32, u32)>,
    /// Per object: where its subtree ends and where its member order is.
    pub(crate) objects: Vec<ObjectInfo>,
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

/// What an object token needs beyond its span (kept aside so that every token stays 16 bytes:
/// a 30 MB Bundle has over two million tokens, and only one in six is an object).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ObjectInfo {
    /// Index of the first token after the object's subtree.
    pub skip: u32,
    /// Index into `order` of its member count and sorted key tokens.
    pub order: u32,
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

    /// The element start tokens of the array at `index`, when it is long enough to be indexed.
    fn indexed_elements(&self, index: u32) -> Option<&[u32]> {
        self.array_starts
            .get_or_init(|| {
                let mut map = std::collections::HashMap::new();
                for (i, token) in self.tokens.iter().enumerate() {
                    if token.kind != Kind::Array {
                        continue;
                    }
                    let Ok(i) = u32::try_from(i) else { break };
                    let mut starts = Vec::new();
                    let mut next = i + 1;
                    while next < token.aux {
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
    pub(crate) fn next_sibling(&self, index: u32) -> u32 {
        let token = self.token(index);
        match token.kind {
            Kind::Array => token.aux,
            Kind::Object => self.objects[token.aux as usize].skip,
            _ => index + 1,
        }
    }

    /// The member name or string value of a string token, unescaped.
    pub(crate) fn string_text(&self, index: u32) -> &str {
        let token = self.token(index);
        if token.flags & FLAG_ESCAPED != 0 {
            let (start, end) = self.decoded_ranges[token.aux as usize];
            &self.decoded[start as usize..end as usize]
        } else {
            &self.text[token.start as usize + 1..token.end as usize - 1]
        }
    }

    /// Whether the string token at `index` holds exactly `name` (unescaped).
    fn key_equals(&self, index: u32, name: &[u8]) -> bool {
        let token = self.token(index);
        if token.flags & FLAG_ESCAPED != 0 {
            return self.string_text(index).as_bytes() == name;
        }
        // Unescaped: the text between the quotes is the name.
        let (start, end) = (token.start as usize + 1, token.end as usize - 1);
        if end - start != name.len() {
            return false;
        }
        let Some(raw) = self.text.as_bytes().get(start..end) else {
            return false;
        };
        // Names of one length mostly differ in their first byte: compare it before the rest.
        raw.first() == name.first() && raw == name
    }

    /// An object's key token indices, in RFC 8785 order.
    pub(crate) fn sorted_keys(&self, object: u32) -> &[u32] {
        let at = self.objects[self.token(object).aux as usize].order as usize;
        let count = self.order[at] as usize;
        &self.order[at + 1..at + 1 + count]
    }
}

impl<'d> Node<'d> {
    fn token(&self) -> &'d Token {
        self.doc.token(self.index)
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
        match self.token().kind {
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
        let token = self.token();
        token.start as usize..token.end as usize
    }

    /// The value's text exactly as it stands in the input.
    pub fn raw_text(&self) -> &'d str {
        &self.doc.text[self.span()]
    }

    /// The unescaped text of a string value.
    pub fn as_str(&self) -> Option<&'d str> {
        (self.token().kind == Kind::String).then(|| self.doc.string_text(self.index))
    }

    /// The value of a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.token().kind {
            Kind::True => Some(true),
            Kind::False => Some(false),
            _ => None,
        }
    }

    /// The value of a number, as the nearest IEEE-754 double (what RFC 8785 serialises).
    pub fn as_f64(&self) -> Option<f64> {
        let token = self.token();
        (token.kind == Kind::Number).then(|| self.doc.numbers[token.aux as usize])
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        self.token().kind == Kind::Null
    }

    /// The member with this name, if this is an object that has one.
    pub fn get(&self, name: &str) -> Option<Node<'d>> {
        // Called for every entry of a large Bundle (resourceType, resource, contained, …): the
        // member names are compared as bytes, without making a `str` of each.
        if self.token().kind != Kind::Object {
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
        let token = self.token();
        let (next, end) = match token.kind {
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
        let token = self.token();
        let (next, end) = match token.kind {
            Kind::Array => (self.index + 1, token.aux),
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
