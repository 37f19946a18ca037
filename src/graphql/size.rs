//! How many fields a query selects once its fragments are expanded, counted before the
//! query is validated or run.
//!
//! A fragment may spread another one twice, which spreads another one twice …: a 1 KB
//! query can select 2^25 fields. async-graphql's own validation walks the expanded query
//! (its depth and complexity visitors follow every spread), so the query must be measured
//! first, on the parsed document, without expanding it: each fragment's size is computed
//! once and reused, and the arithmetic saturates instead of overflowing.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};

/// The fields a selection set names directly (nested selections included, spreads not), and
/// how many times it spreads each fragment.
#[derive(Debug, Default)]
struct Shape<'a> {
    fields: usize,
    spreads: Vec<(&'a str, usize)>,
}

impl<'a> Shape<'a> {
    fn of(set: &'a SelectionSet) -> Self {
        let mut spreads: HashMap<&'a str, usize> = HashMap::new();
        let mut fields = 0usize;
        collect(set, &mut fields, &mut spreads);
        Self {
            fields,
            spreads: spreads.into_iter().collect(),
        }
    }

    /// The expanded size, given the sizes of the fragments it spreads (unknown ones, and
    /// ones on a cycle, count nothing: validation refuses them).
    fn total(&self, fragments: &HashMap<&str, usize>) -> usize {
        self.spreads.iter().fold(self.fields, |sum, (name, times)| {
            let each = fragments.get(name).copied().unwrap_or(0);
            sum.saturating_add(times.saturating_mul(each))
        })
    }
}

/// Walks a selection set; nesting is bounded by the parser's recursion limit.
fn collect<'a>(set: &'a SelectionSet, fields: &mut usize, spreads: &mut HashMap<&'a str, usize>) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                *fields = fields.saturating_add(1);
                collect(&field.node.selection_set.node, fields, spreads);
            }
            Selection::InlineFragment(inline) => {
                collect(&inline.node.selection_set.node, fields, spreads);
            }
            Selection::FragmentSpread(spread) => {
                let times = spreads
                    .entry(spread.node.fragment_name.node.as_str())
                    .or_insert(0);
                *times = times.saturating_add(1);
            }
        }
    }
}

/// The expanded size of every fragment of `doc`, each computed once (an explicit stack,
/// so a long chain of fragments cannot overflow the thread's stack).
fn fragment_sizes(doc: &ExecutableDocument) -> HashMap<&str, usize> {
    let shapes: HashMap<&str, Shape<'_>> = doc
        .fragments
        .iter()
        .map(|(name, fragment)| (name.as_str(), Shape::of(&fragment.node.selection_set.node)))
        .collect();
    let mut sizes: HashMap<&str, usize> = HashMap::with_capacity(shapes.len());
    let mut open: HashSet<&str> = HashSet::new();
    for (&root, root_shape) in &shapes {
        if sizes.contains_key(root) {
            continue;
        }
        // (fragment, its shape, index of the next spread to visit)
        let mut stack: Vec<(&str, &Shape<'_>, usize)> = vec![(root, root_shape, 0)];
        open.insert(root);
        while let Some(top) = stack.last_mut() {
            let (name, shape, next) = (top.0, top.1, top.2);
            if let Some(&(child, _)) = shape.spreads.get(next) {
                top.2 += 1;
                if sizes.contains_key(child) || open.contains(child) {
                    continue;
                }
                if let Some(child_shape) = shapes.get(child) {
                    open.insert(child);
                    stack.push((child, child_shape, 0));
                }
            } else {
                let size = shape.total(&sizes);
                sizes.insert(name, size);
                open.remove(name);
                stack.pop();
            }
        }
    }
    sizes
}

/// How many fields `operation` selects with its fragments expanded.
fn operation_size(operation: &OperationDefinition, fragments: &HashMap<&str, usize>) -> usize {
    Shape::of(&operation.selection_set.node).total(fragments)
}

/// How many fields the operation `operation_name` of `doc` selects with its fragments
/// expanded; without a name (or with a name the document lacks, which execution refuses)
/// the largest operation of the document.
pub fn expanded_fields(doc: &ExecutableDocument, operation_name: Option<&str>) -> usize {
    let fragments = fragment_sizes(doc);
    let named = operation_name.and_then(|wanted| {
        doc.operations
            .iter()
            .find(|(name, _)| name.is_some_and(|n| n.as_str() == wanted))
    });
    match named {
        Some((_, operation)) => operation_size(&operation.node, &fragments),
        None => doc
            .operations
            .iter()
            .map(|(_, operation)| operation_size(&operation.node, &fragments))
            .max()
            .unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn size(query: &str) -> usize {
        expanded_fields(&parse_query(query).expect("a query"), None)
    }

    /// `levels` fragments, each spreading the one below twice.
    fn fan_out(levels: usize) -> String {
        let mut query = String::from("fragment F0 on MemberUnit { code name kind }\n");
        for i in 1..=levels {
            query.push_str(&format!(
                "fragment F{i} on MemberUnit {{ ...F{p} ...F{p} }}\n",
                p = i - 1
            ));
        }
        query.push_str(&format!("{{ memberUnits {{ ...F{levels} }} }}"));
        query
    }

    #[test]
    fn plain_fields_are_counted_with_their_nesting() {
        assert_eq!(size("{ memberUnits { code name } }"), 3);
        assert_eq!(
            size("{ a: memberUnits { code } b: memberUnits { code } }"),
            4
        );
        assert_eq!(size("{ memberUnits { ... on MemberUnit { code } } }"), 2);
    }

    #[test]
    fn fragments_count_as_often_as_they_are_spread() {
        assert_eq!(size(&fan_out(1)), 1 + 2 * 3);
        assert_eq!(size(&fan_out(25)), 1 + 3 * (1 << 25));
    }

    #[test]
    fn the_count_saturates_instead_of_overflowing() {
        assert_eq!(size(&fan_out(200)), usize::MAX);
    }

    #[test]
    fn cycles_and_unknown_fragments_do_not_loop() {
        let cyclic = "fragment A on MemberUnit { code ...B } \
                      fragment B on MemberUnit { name ...A } \
                      { memberUnits { ...A ...Missing } }";
        assert!(size(cyclic) <= 3, "{}", size(cyclic));
    }

    #[test]
    fn a_long_chain_of_fragments_does_not_overflow_the_stack() {
        let mut query = String::from("fragment F0 on MemberUnit { code }\n");
        for i in 1..=20_000 {
            query.push_str(&format!(
                "fragment F{i} on MemberUnit {{ ...F{} }}\n",
                i - 1
            ));
        }
        query.push_str("{ memberUnits { ...F20000 } }");
        assert_eq!(size(&query), 2);
    }

    #[test]
    fn a_named_operation_is_measured_alone() {
        let doc = parse_query("query Small { memberUnits { code } } query Big { a { b c d } }")
            .expect("a query");
        assert_eq!(expanded_fields(&doc, Some("Small")), 2);
        assert_eq!(expanded_fields(&doc, None), 4);
    }
}
