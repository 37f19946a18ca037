//! The SQL of the derived facts. `$1` is T (a UTC timestamp), `$2` is T's calendar day in
//! the hub's time zone and `$3` that day plus 30 days (visa expiry window).

/// Source kinds ranked for choosing one managing organisation when several affiliations
/// are active: the organisation's own roster first, then the police list, then the
/// education bureau's.
const AFFILIATION_RANK: &str = "CASE a.kind \
    WHEN 'university_roster' THEN 0 \
    WHEN 'employment_roster' THEN 1 \
    WHEN 'visa_registry' THEN 2 \
    WHEN 'student_roster' THEN 3 \
    ELSE 4 END";

/// Source kinds ranked for choosing the reporting member unit (police first).
const REPORTER_RANK: &str = "CASE ps.kind \
    WHEN 'visa_registry' THEN 0 \
    WHEN 'university_roster' THEN 1 \
    WHEN 'employment_roster' THEN 2 \
    WHEN 'student_roster' THEN 3 \
    WHEN 'lodging_register' THEN 4 \
    WHEN 'passenger_flow' THEN 5 \
    ELSE 6 END";

/// `WITH …` defining, for every person, as of T:
/// - `last_move(person_id, direction)`: the latest movement at or before T;
/// - `presence(person_id, present)`: 1 when present (latest movement an arrival, or none);
/// - `managing(person_id, organization_id)`: active affiliation, else open stay, else the
///   reporting member unit's organisation;
/// - `visa(person_id, valid_until)`: the latest validity of any visa document;
/// - `derived(person_id, present, organization_id, visa_status)`.
pub fn derived_ctes() -> String {
    format!(
        "WITH ranked_move AS (
            SELECT m.person_id, m.direction,
                   ROW_NUMBER() OVER (PARTITION BY m.person_id ORDER BY m.occurred_at DESC, m.id DESC) AS rn
            FROM movement m WHERE m.occurred_at <= $1
        ),
        last_move AS (SELECT person_id, direction FROM ranked_move WHERE rn = 1),
        ranked_affiliation AS (
            SELECT a.person_id, a.organization_id,
                   ROW_NUMBER() OVER (PARTITION BY a.person_id ORDER BY {AFFILIATION_RANK}, a.organization_id) AS rn
            FROM affiliation a
            WHERE (a.since IS NULL OR a.since <= $1) AND (a.until IS NULL OR a.until > $1)
        ),
        ranked_stay AS (
            SELECT s.person_id, s.organization_id,
                   ROW_NUMBER() OVER (PARTITION BY s.person_id ORDER BY s.check_in DESC, s.id DESC) AS rn
            FROM stay s
            WHERE (s.check_in IS NULL OR s.check_in <= $1) AND (s.check_out IS NULL OR s.check_out > $1)
        ),
        ranked_reporter AS (
            SELECT ps.person_id, o.id AS organization_id,
                   ROW_NUMBER() OVER (PARTITION BY ps.person_id ORDER BY {REPORTER_RANK}, ps.member_unit_id) AS rn
            FROM person_source ps JOIN organization o ON o.member_unit_id = ps.member_unit_id
        ),
        visa AS (
            SELECT d.person_id, MAX(d.valid_until) AS valid_until
            FROM identity_document d WHERE d.kind = 'visa' AND d.valid_until IS NOT NULL
            GROUP BY d.person_id
        ),
        derived AS (
            SELECT p.id AS person_id,
                   CASE WHEN lm.direction = 'departure' THEN 0 ELSE 1 END AS present,
                   COALESCE(ra.organization_id, rs.organization_id, rr.organization_id) AS organization_id,
                   CASE WHEN v.valid_until IS NULL THEN 'UNKNOWN'
                        WHEN v.valid_until < $2 THEN 'EXPIRED'
                        WHEN v.valid_until <= $3 THEN 'EXPIRING'
                        ELSE 'VALID' END AS visa_status
            FROM person p
            LEFT JOIN last_move lm ON lm.person_id = p.id
            LEFT JOIN ranked_affiliation ra ON ra.person_id = p.id AND ra.rn = 1
            LEFT JOIN ranked_stay rs ON rs.person_id = p.id AND rs.rn = 1
            LEFT JOIN ranked_reporter rr ON rr.person_id = p.id AND rr.rn = 1
            LEFT JOIN visa v ON v.person_id = p.id
        )"
    )
}
