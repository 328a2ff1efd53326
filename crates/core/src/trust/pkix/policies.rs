//! Certificate policy processing (RFC 5280 §6.1.2 (a), (d)-(f), §6.1.3 (d)-(f), §6.1.4 (a)-(b),
//! (h)-(j), §6.1.5 (a)-(b), (g)).
//!
//! The valid_policy_tree is kept as a graph with one node per valid_policy at each depth: the
//! nodes a tree would repeat under different parents are one node with several parents. Every
//! node of one depth with the same valid_policy has the same expected_policy_set, so the graph
//! answers every question the tree does while its size stays bounded by the policies the
//! certificates assert (the tree can grow exponentially, CVE-2023-0464). Each node also
//! carries the trust anchor's-domain policies it descends from (the valid_policy of the first
//! node below an anyPolicy chain), which is what §6.1.5 (g)(iii) intersects with the
//! user-initial-policy-set.

use std::collections::BTreeSet;

use const_oid::ObjectIdentifier;

use super::extensions::ANY_POLICY;

/// The relying party's policy inputs (RFC 5280 §6.1.1 (c), (e), (f), (g)).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PolicyInputs {
    initial: Option<BTreeSet<ObjectIdentifier>>,
    explicit: bool,
    inhibit_mapping: bool,
    inhibit_any: bool,
    ignore_anchor_constraints: bool,
}

impl PolicyInputs {
    /// The RFC 5280 defaults: user-initial-policy-set {anyPolicy}, and initial-explicit-policy,
    /// initial-policy-mapping-inhibit and initial-any-policy-inhibit all false.
    pub fn any() -> Self {
        Self::default()
    }

    /// Accepts only paths valid for one of `policies` (user-initial-policy-set); an empty
    /// list, or one holding anyPolicy, means any policy.
    #[must_use]
    pub fn with_initial_policies(
        mut self,
        policies: impl IntoIterator<Item = ObjectIdentifier>,
    ) -> Self {
        let set: BTreeSet<_> = policies.into_iter().collect();
        self.initial = (!set.is_empty() && !set.contains(&ANY_POLICY)).then_some(set);
        self
    }

    /// initial-explicit-policy: the path must be valid for at least one policy.
    #[must_use]
    pub fn with_explicit_policy(mut self, on: bool) -> Self {
        self.explicit = on;
        self
    }

    /// initial-policy-mapping-inhibit: policy mappings are not honoured.
    #[must_use]
    pub fn with_inhibit_mapping(mut self, on: bool) -> Self {
        self.inhibit_mapping = on;
        self
    }

    /// initial-any-policy-inhibit: anyPolicy in a certificate does not match other policies.
    #[must_use]
    pub fn with_inhibit_any_policy(mut self, on: bool) -> Self {
        self.inhibit_any = on;
        self
    }

    /// Whether the trust anchor certificate's own nameConstraints and pathLenConstraint bound
    /// the path (RFC 5937 §3; on by default). Off, the anchor is only a name and a key, as
    /// RFC 5280 §6.1.1 (d) describes it.
    #[must_use]
    pub fn with_anchor_constraints(mut self, on: bool) -> Self {
        self.ignore_anchor_constraints = !on;
        self
    }

    /// Whether the anchor's constraints apply.
    pub fn anchor_constraints(&self) -> bool {
        !self.ignore_anchor_constraints
    }

    /// The user-initial-policy-set; `None` is {anyPolicy}.
    pub fn initial_policies(&self) -> Option<&BTreeSet<ObjectIdentifier>> {
        self.initial.as_ref()
    }

    /// initial-explicit-policy.
    pub fn explicit_policy(&self) -> bool {
        self.explicit
    }

    /// initial-policy-mapping-inhibit.
    pub fn inhibit_mapping(&self) -> bool {
        self.inhibit_mapping
    }

    /// initial-any-policy-inhibit.
    pub fn inhibit_any_policy(&self) -> bool {
        self.inhibit_any
    }

    /// Feeds every input into `digest`, counted and length-prefixed, so that different inputs
    /// never feed the same bytes (a cache key).
    pub(crate) fn feed(&self, digest: &mut ring::digest::Context) {
        // Destructured so that a new input cannot be left out of the key.
        let Self {
            initial,
            explicit,
            inhibit_mapping,
            inhibit_any,
            ignore_anchor_constraints,
        } = self;
        digest.update(&[
            u8::from(*explicit),
            u8::from(*inhibit_mapping),
            u8::from(*inhibit_any),
            u8::from(*ignore_anchor_constraints),
        ]);
        match initial {
            None => digest.update(&[0]),
            Some(set) => {
                digest.update(&[1]);
                digest.update(&(set.len() as u64).to_be_bytes());
                for oid in set {
                    digest.update(&(oid.as_bytes().len() as u64).to_be_bytes());
                    digest.update(oid.as_bytes());
                }
            }
        }
    }

    /// The inputs as the report states them.
    pub(crate) fn describe(&self) -> String {
        let set = match &self.initial {
            None => "anyPolicy".to_owned(),
            Some(set) => set
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        };
        let anchor = if self.ignore_anchor_constraints {
            ", trust-anchor constraints ignored"
        } else {
            ""
        };
        format!(
            "user-initial-policy-set {{{set}}}, initial-explicit-policy {}, initial-policy-mapping-inhibit {}, initial-any-policy-inhibit {}{anchor}",
            self.explicit, self.inhibit_mapping, self.inhibit_any
        )
    }
}

/// The policies a validated path is valid for (the user-constrained-policy-set of §6.1.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ValidPolicies {
    /// anyPolicy: the path asserts policies without restricting them, or none was asked for.
    Any,
    /// These policies (empty when the path has no valid policy and none was required).
    Some(BTreeSet<ObjectIdentifier>),
}

impl ValidPolicies {
    pub(crate) fn describe(&self) -> String {
        match self {
            ValidPolicies::Any => "anyPolicy".to_owned(),
            ValidPolicies::Some(set) if set.is_empty() => "none".to_owned(),
            ValidPolicies::Some(set) => set
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

#[derive(Clone, Debug)]
struct Node {
    policy: ObjectIdentifier,
    expected: BTreeSet<ObjectIdentifier>,
    /// Indexes of parent nodes in the previous depth.
    parents: BTreeSet<usize>,
    /// The anchor-domain policies this node descends from; {anyPolicy} for the anyPolicy chain.
    roots: BTreeSet<ObjectIdentifier>,
}

/// The policy state of §6.1.2 along a path being processed.
#[derive(Debug)]
pub(crate) struct PolicyState {
    /// The deepest level of the graph; empty means valid_policy_tree NULL.
    level: Vec<Node>,
    explicit_policy: usize,
    inhibit_any_policy: usize,
    policy_mapping: usize,
    initial: Option<BTreeSet<ObjectIdentifier>>,
}

fn any_node() -> Node {
    Node {
        policy: ANY_POLICY,
        expected: BTreeSet::from([ANY_POLICY]),
        parents: BTreeSet::new(),
        roots: BTreeSet::from([ANY_POLICY]),
    }
}

impl PolicyState {
    /// §6.1.2 (a), (d)-(f) for a path of `n` certificates.
    pub(crate) fn new(inputs: &PolicyInputs, n: usize) -> Self {
        let start = |inhibited: bool| if inhibited { 0 } else { n + 1 };
        Self {
            level: vec![any_node()],
            explicit_policy: start(inputs.explicit),
            inhibit_any_policy: start(inputs.inhibit_any),
            policy_mapping: start(inputs.inhibit_mapping),
            initial: inputs.initial.clone(),
        }
    }

    /// §6.1.3 (d)-(f) for a certificate asserting `policies`; `self_issued_intermediate` is
    /// true for a self-issued certificate that is not the last of the path.
    pub(crate) fn process_certificate(
        &mut self,
        policies: Option<&BTreeSet<ObjectIdentifier>>,
        self_issued_intermediate: bool,
    ) -> Result<(), String> {
        match policies {
            Some(policies) if !self.level.is_empty() => {
                let prev = std::mem::take(&mut self.level);
                let mut next: Vec<Node> = Vec::new();
                let any_parent = prev.iter().position(|n| n.policy == ANY_POLICY);
                // (d)(1)
                for policy in policies.iter().filter(|p| **p != ANY_POLICY) {
                    let matched: BTreeSet<usize> = prev
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.expected.contains(policy))
                        .map(|(i, _)| i)
                        .collect();
                    let parents = if matched.is_empty() {
                        any_parent.into_iter().collect()
                    } else {
                        matched
                    };
                    for parent in parents {
                        link(&mut next, &prev, parent, *policy);
                    }
                }
                // (d)(2)
                let any_allowed = self.inhibit_any_policy > 0 || self_issued_intermediate;
                if policies.contains(&ANY_POLICY) && any_allowed {
                    for (index, parent) in prev.iter().enumerate() {
                        for expected in &parent.expected {
                            link(&mut next, &prev, index, *expected);
                        }
                    }
                }
                // (d)(3): nodes left without children are unreachable from the new depth,
                // which is all the rest of the algorithm looks at.
                self.level = next;
            }
            // (e)
            _ => self.level.clear(),
        }
        // (f)
        if self.explicit_policy == 0 && self.level.is_empty() {
            return Err("no certificate policy is valid for the path up to this certificate, and an explicit policy is required (RFC 5280 §6.1.3 (f))".into());
        }
        Ok(())
    }

    /// §6.1.4 (a)-(b) for an intermediate's policy mappings.
    pub(crate) fn apply_mappings(
        &mut self,
        mappings: &[(ObjectIdentifier, ObjectIdentifier)],
    ) -> Result<(), String> {
        if mappings
            .iter()
            .any(|(i, s)| *i == ANY_POLICY || *s == ANY_POLICY)
        {
            return Err("a policy mapping maps to or from anyPolicy (RFC 5280 §6.1.4 (a))".into());
        }
        let issuer_policies: BTreeSet<ObjectIdentifier> =
            mappings.iter().map(|(i, _)| *i).collect();
        for issuer_policy in issuer_policies {
            let mapped: BTreeSet<ObjectIdentifier> = mappings
                .iter()
                .filter(|(i, _)| *i == issuer_policy)
                .map(|(_, s)| *s)
                .collect();
            if self.policy_mapping > 0 {
                if let Some(node) = self.level.iter_mut().find(|n| n.policy == issuer_policy) {
                    node.expected = mapped;
                } else if let Some(any) =
                    self.level.iter().find(|n| n.policy == ANY_POLICY).cloned()
                {
                    // A sibling of the anyPolicy node: same parents (the anyPolicy chain), so
                    // it is itself the anchor-domain policy of what descends from it.
                    self.level.push(Node {
                        policy: issuer_policy,
                        expected: mapped,
                        parents: any.parents,
                        roots: BTreeSet::from([issuer_policy]),
                    });
                }
            } else {
                self.level.retain(|n| n.policy != issuer_policy);
            }
        }
        Ok(())
    }

    /// §6.1.4 (h)-(j): counters after a non-self-issued intermediate, then its
    /// policyConstraints and inhibitAnyPolicy.
    pub(crate) fn prepare_next(
        &mut self,
        self_issued: bool,
        require_explicit: Option<u32>,
        inhibit_mapping: Option<u32>,
        inhibit_any: Option<u32>,
    ) {
        if !self_issued {
            self.explicit_policy = self.explicit_policy.saturating_sub(1);
            self.policy_mapping = self.policy_mapping.saturating_sub(1);
            self.inhibit_any_policy = self.inhibit_any_policy.saturating_sub(1);
        }
        let lower = |counter: &mut usize, value: Option<u32>| {
            if let Some(value) = value {
                *counter = (*counter).min(value as usize);
            }
        };
        lower(&mut self.explicit_policy, require_explicit);
        lower(&mut self.policy_mapping, inhibit_mapping);
        lower(&mut self.inhibit_any_policy, inhibit_any);
    }

    /// §6.1.5 (a), (b), (g): the end of the path; the policies it is valid for, or why it is
    /// not valid.
    pub(crate) fn finish(
        mut self,
        leaf_require_explicit: Option<u32>,
    ) -> Result<ValidPolicies, String> {
        self.explicit_policy = self.explicit_policy.saturating_sub(1);
        if leaf_require_explicit == Some(0) {
            self.explicit_policy = 0;
        }
        let valid = match &self.initial {
            None => {
                if self.level.iter().any(|n| n.roots.contains(&ANY_POLICY)) {
                    ValidPolicies::Any
                } else {
                    ValidPolicies::Some(
                        self.level
                            .iter()
                            .flat_map(|n| n.roots.iter().copied())
                            .collect(),
                    )
                }
            }
            Some(initial) => ValidPolicies::Some(
                self.level
                    .iter()
                    .flat_map(|n| {
                        if n.policy == ANY_POLICY {
                            initial.clone()
                        } else {
                            n.roots.intersection(initial).copied().collect()
                        }
                    })
                    .collect(),
            ),
        };
        let empty = matches!(&valid, ValidPolicies::Some(set) if set.is_empty());
        if self.explicit_policy == 0 && empty {
            return Err(match &self.initial {
                None => "the path is valid for no certificate policy, and an explicit policy is required (RFC 5280 §6.1.5 (g))".to_owned(),
                Some(initial) => format!(
                    "the path is valid for none of the acceptable policies {} (RFC 5280 §6.1.5 (g))",
                    initial.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                ),
            });
        }
        Ok(valid)
    }
}

/// Adds `parent` (an index into `prev`) as a parent of the node for `policy` in `next`,
/// creating the node (expected_policy_set {policy}) when it is new.
fn link(next: &mut Vec<Node>, prev: &[Node], parent: usize, policy: ObjectIdentifier) {
    let Some(parent_node) = prev.get(parent) else {
        return;
    };
    let inherited: BTreeSet<ObjectIdentifier> = if parent_node.policy == ANY_POLICY {
        BTreeSet::from([policy])
    } else {
        parent_node.roots.clone()
    };
    match next.iter_mut().find(|n| n.policy == policy) {
        Some(node) => {
            node.parents.insert(parent);
            if policy != ANY_POLICY {
                node.roots.extend(inherited);
            }
        }
        None => next.push(Node {
            policy,
            expected: BTreeSet::from([policy]),
            parents: BTreeSet::from([parent]),
            roots: if policy == ANY_POLICY {
                BTreeSet::from([ANY_POLICY])
            } else {
                inherited
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(n: u32) -> ObjectIdentifier {
        format!("1.3.6.1.4.1.55555.1.{n}").parse().unwrap()
    }
    fn set(items: &[ObjectIdentifier]) -> BTreeSet<ObjectIdentifier> {
        items.iter().copied().collect()
    }

    /// root → CA (P1, maps P1→P2) → leaf (P2).
    fn mapped_path(inputs: &PolicyInputs) -> Result<ValidPolicies, String> {
        let mut state = PolicyState::new(inputs, 2);
        state.process_certificate(Some(&set(&[oid(1)])), false)?;
        state.apply_mappings(&[(oid(1), oid(2))])?;
        state.prepare_next(false, None, None, None);
        state.process_certificate(Some(&set(&[oid(2)])), false)?;
        state.finish(None)
    }

    #[test]
    fn mapping_keeps_the_anchor_domain_policy() {
        let any = mapped_path(&PolicyInputs::any()).unwrap();
        assert_eq!(any, ValidPolicies::Some(set(&[oid(1)])));
        let p1 = PolicyInputs::any()
            .with_initial_policies([oid(1)])
            .with_explicit_policy(true);
        assert_eq!(
            mapped_path(&p1).unwrap(),
            ValidPolicies::Some(set(&[oid(1)]))
        );
        let p2 = PolicyInputs::any()
            .with_initial_policies([oid(2)])
            .with_explicit_policy(true);
        assert!(mapped_path(&p2).is_err());
        let inhibited = p1.clone().with_inhibit_mapping(true);
        assert!(mapped_path(&inhibited).is_err());
    }

    #[test]
    fn any_policy_and_inhibit() {
        // CA asserts anyPolicy, leaf asserts P3.
        let run = |inputs: &PolicyInputs, ca_inhibit: Option<u32>| {
            let mut state = PolicyState::new(inputs, 2);
            state.process_certificate(Some(&set(&[ANY_POLICY])), false)?;
            state.prepare_next(false, None, None, ca_inhibit);
            state.process_certificate(Some(&set(&[oid(3)])), false)?;
            state.finish(None)
        };
        let explicit = PolicyInputs::any()
            .with_initial_policies([oid(3)])
            .with_explicit_policy(true);
        assert_eq!(
            run(&explicit, None).unwrap(),
            ValidPolicies::Some(set(&[oid(3)]))
        );
        // anyPolicy in the CA matches nothing when inhibited from the start.
        assert!(run(&explicit.clone().with_inhibit_any_policy(true), None).is_err());
        // inhibitAnyPolicy 0 in the CA does not affect the CA's own anyPolicy, only the leaf's.
        assert!(run(&explicit, Some(0)).is_ok());
        assert_eq!(
            run(&PolicyInputs::any(), None).unwrap(),
            ValidPolicies::Some(set(&[oid(3)]))
        );
    }

    #[test]
    fn require_explicit_in_a_ca() {
        let mut state = PolicyState::new(&PolicyInputs::any(), 2);
        state
            .process_certificate(Some(&set(&[oid(1)])), false)
            .unwrap();
        state.prepare_next(false, Some(0), None, None);
        assert!(state.process_certificate(None, false).is_err());
        // Without the requirement a path without policies is valid for none.
        let mut state = PolicyState::new(&PolicyInputs::any(), 2);
        state.process_certificate(None, false).unwrap();
        state.prepare_next(false, None, None, None);
        state
            .process_certificate(Some(&set(&[oid(1)])), false)
            .unwrap();
        assert_eq!(
            state.finish(None).unwrap(),
            ValidPolicies::Some(BTreeSet::new())
        );
    }

    #[test]
    fn many_policies_stay_small() {
        // Every CA asserts the same 64 policies and maps each to all of them: a tree would
        // have 64^depth nodes, the graph 64 per depth.
        let policies: Vec<ObjectIdentifier> = (0..64).map(oid).collect();
        let mappings: Vec<_> = policies
            .iter()
            .flat_map(|a| policies.iter().map(move |b| (*a, *b)))
            .take(64)
            .collect();
        let mut state = PolicyState::new(&PolicyInputs::any(), 10);
        for _ in 0..9 {
            state
                .process_certificate(Some(&set(&policies)), false)
                .unwrap();
            state.apply_mappings(&mappings).unwrap();
            state.prepare_next(false, None, None, None);
            assert!(state.level.len() <= 64);
        }
        state
            .process_certificate(Some(&set(&policies)), false)
            .unwrap();
        assert!(state.finish(None).is_ok());
    }
}
