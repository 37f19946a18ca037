//! The SQL of the derived facts, written once. `$1` is T (a UTC timestamp), `$2` is T's
//! calendar day in the hub's time zone and `$3` that day plus 30 days (visa expiry window).
//!
//! Each fact is a correlated sub-query on one person (`p`), answered from the indexes on
//! `(person_id, …)`: the cost per person is a few index seeks, so a page of 100 people costs
//! the same whatever the size of the city, and city-wide figures scale linearly.

use std::sync::LazyLock;

use importers::SourceKind;
use importers::UNRANKED;

/// Present at T: the latest movement at or before T decides (a departure: away). Before
/// the first movement, the person was away if it is an arrival (they came later) and in
/// the city if it is a departure; with no movement at all, present.
const PRESENT: &str = "CASE WHEN COALESCE(
        (SELECT m.direction FROM movement m
         WHERE m.person_id = p.id AND m.occurred_at <= $1
         ORDER BY m.occurred_at DESC, m.id DESC LIMIT 1),
        (SELECT CASE m.direction WHEN 'arrival' THEN 'departure' ELSE 'arrival' END
         FROM movement m WHERE m.person_id = p.id
         ORDER BY m.occurred_at ASC, m.id ASC LIMIT 1)
    ) = 'departure' THEN 0 ELSE 1 END";

/// Managing organisation at T: an active affiliation (the organisation's own roster first,
/// then the police list, then the education bureau's), else the hotel of an open stay,
/// else the organisation of the member unit that reported the person (police first). Of
/// several open stays the latest check-in wins; a stay without a check-in counts as the
/// oldest on both databases (PostgreSQL would sort its NULL first).
///
/// The orders of kinds are [`SourceKind::affiliation_rank`] and [`SourceKind::value_rank`],
/// the rules the city timeline applies too ([`rank_case`]).
static MANAGING: LazyLock<String> = LazyLock::new(|| {
    let affiliation = rank_case("a.kind", SourceKind::affiliation_rank);
    let source = rank_case("ps.kind", SourceKind::value_rank);
    format!(
        "COALESCE(
        (SELECT a.organization_id FROM affiliation a
         WHERE a.person_id = p.id
           AND (a.since IS NULL OR a.since <= $1) AND (a.until IS NULL OR a.until > $1)
         ORDER BY {affiliation}, a.organization_id
         LIMIT 1),
        (SELECT s.organization_id FROM stay s
         WHERE s.person_id = p.id
           AND (s.check_in IS NULL OR s.check_in <= $1) AND (s.check_out IS NULL OR s.check_out > $1)
         ORDER BY (s.check_in IS NULL), s.check_in DESC, s.id DESC
         LIMIT 1),
        (SELECT o.id FROM person_source ps JOIN organization o ON o.member_unit_id = ps.member_unit_id
         WHERE ps.person_id = p.id
         ORDER BY {source}, ps.member_unit_id, o.id
         LIMIT 1)
    )"
    )
});

/// `CASE column WHEN 'visa_registry' THEN 0 … ELSE <last> END`: the rank `rank` gives each
/// kind, as SQL over a column holding a kind, so that the SQL and the Rust of the hub order
/// kinds by the same rule (a kind the store holds but the hub no longer knows ranks last).
pub fn rank_case(column: &str, rank: fn(SourceKind) -> i16) -> String {
    let mut sql = format!("CASE {column}");
    for kind in SourceKind::ALL {
        sql.push_str(&format!(" WHEN '{}' THEN {}", kind.as_str(), rank(kind)));
    }
    sql.push_str(&format!(" ELSE {UNRANKED} END"));
    sql
}

/// Visa status at T from the latest validity of any visa document.
const VISA_STATUS: &str = "CASE
        WHEN f.visa_until IS NULL THEN 'UNKNOWN'
        WHEN f.visa_until < $2 THEN 'EXPIRED'
        WHEN f.visa_until <= $3 THEN 'EXPIRING'
        ELSE 'VALID' END";

/// The latest validity of any visa document of the person.
const VISA_UNTIL: &str = "(SELECT MAX(d.valid_until) FROM identity_document d
        WHERE d.person_id = p.id AND d.kind = 'visa')";

/// `WITH derived AS (…)`: one row per person matching `scope` (a condition on `p`, the
/// person; `None` for everyone) with the person's searchable columns (`id`, `person_id`,
/// `nationality`, `latin_name`, `chinese_name`, `document_number`) and the derived facts
/// (`present`, `organization_id`, `visa_status`). Queries read it under the alias `p`, so
/// a filter names person columns and derived facts alike.
///
/// The database may inline the CTE: then only the facts a query uses are computed, but a
/// fact the query names several times may be computed once per mention. A query that
/// reads every fact of everyone uses [`derived_cte_materialized`] instead.
pub fn derived_cte(scope: Option<&str>) -> String {
    let scope = scope.map(|s| format!("WHERE {s}")).unwrap_or_default();
    format!(
        "WITH derived AS ({})",
        derived_rows(&format!("person p {scope}"), None)
    )
}

/// The columns of a moment of [`derived_cte_at_moments`]: its number and the values of
/// `$1`, `$2` and `$3` ([`super::overview::as_of_values`]).
pub const MOMENT_COLUMNS: &str = "k, t, d, d30";

/// `derived AS (…)` (no `WITH`): the rows of [`derived_cte`] for every moment of a table
/// `moments (k, t, d, d30)` the statement defines before it, one row per moment and
/// person, with the moment's columns, the facts computed at `t` (`d` and `d30` its day
/// and 30 days later). A condition written for [`derived_cte`] reads the same over these
/// rows once its `$1`, `$2`, `$3` are `p.t`, `p.d`, `p.d30`.
pub fn derived_cte_at_moments() -> String {
    format!(
        "derived AS ({})",
        derived_rows("moments mo CROSS JOIN person p", Some("mo"))
    )
}

/// The select of the derived rows of the people of `from` (which names the person `p`),
/// at `$1`… or, with `moment`, at each moment of that alias.
fn derived_rows(from: &str, moment: Option<&str>) -> String {
    let managing = MANAGING.as_str();
    let (outer, inner, present, managing, visa_status) = match moment {
        None => (
            String::new(),
            String::new(),
            PRESENT.to_owned(),
            managing.to_owned(),
            VISA_STATUS.to_owned(),
        ),
        Some(m) => (
            "f.k, f.t, f.d, f.d30, ".to_owned(),
            format!("{m}.k, {m}.t, {m}.d, {m}.d30, "),
            // The facts' SQL names the time as `$1` alone, the visa window as `$2`, `$3`.
            PRESENT.replace("$1", &format!("{m}.t")),
            managing.replace("$1", &format!("{m}.t")),
            VISA_STATUS.replace("$2", "f.d").replace("$3", "f.d30"),
        ),
    };
    format!(
        "SELECT {outer}f.id, f.person_id, f.nationality, f.latin_name, f.chinese_name, f.document_number,
                f.present, f.organization_id, {visa_status} AS visa_status
         FROM (
             SELECT {inner}p.id, p.id AS person_id, p.nationality, p.latin_name, p.chinese_name, p.document_number,
                    {present} AS present,
                    {managing} AS organization_id,
                    {VISA_UNTIL} AS visa_until
             FROM {from}
         ) f"
    )
}

/// [`derived_cte`] for everyone.
pub fn derived_ctes() -> String {
    derived_cte(None)
}

/// `WITH facts AS MATERIALIZED (…), derived AS (…)`: the rows of [`derived_ctes`], with
/// each person's facts computed exactly once into a temporary table before the query reads
/// them (an inlined CTE computes a fact again for each mention: the overview mentions
/// presence five times and the visa's validity six). Both SQLite (3.35+) and PostgreSQL
/// (12+) know `MATERIALIZED`.
pub fn derived_cte_materialized() -> String {
    let managing = MANAGING.as_str();
    format!(
        "WITH facts AS MATERIALIZED (
            SELECT p.id, p.id AS person_id, p.nationality, p.latin_name, p.chinese_name, p.document_number,
                   {PRESENT} AS present,
                   {managing} AS organization_id,
                   {VISA_UNTIL} AS visa_until
            FROM person p
        ),
        derived AS (
            SELECT f.id, f.person_id, f.nationality, f.latin_name, f.chinese_name, f.document_number,
                   f.present, f.organization_id, {VISA_STATUS} AS visa_status
            FROM facts f
        )"
    )
}
