-- The readiness figures of every in-scope module of a project (projects.readiness.ModuleFigures),
-- written by hand: what the dashboard's figures cost when nothing but the database works.
-- Parameters: project_id, today (the site's date), now (a timestamp with time zone).
WITH modules AS (
    SELECT id FROM modules_businessmodule WHERE project_id = %(project_id)s AND in_scope
),
key_users AS (
    SELECT a.module_id,
           count(*) AS key_users,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM training_attendance t
               JOIN training_trainingsession s ON s.id = t.session_id
               WHERE t.membership_id = a.membership_id AND s.module_id = a.module_id
                 AND s.status = 'held' AND s.kind = 'train_the_trainer' AND t.status = 'present'
           )) AS key_users_certified
    FROM modules_keyuserassignment a
    JOIN people_membership m ON m.id = a.membership_id
    JOIN people_user u ON u.id = m.user_id
    WHERE a.module_id IN (SELECT id FROM modules) AND m.role = 'key_user' AND m.is_active AND u.is_active
    GROUP BY a.module_id
),
end_users AS (
    SELECT e.module_id,
           count(*) AS end_users,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM training_attendance t
               JOIN training_trainingsession s ON s.id = t.session_id
               WHERE t.membership_id = e.membership_id AND s.module_id = e.module_id
                 AND s.status = 'held' AND s.kind IN ('end_user', 'refresher')
                 AND t.status IN ('present', 'late')
                 AND (NOT s.has_assessment OR t.assessment_passed)
           )) AS end_users_trained
    FROM modules_moduleenduser e
    JOIN people_membership m ON m.id = e.membership_id
    JOIN people_user u ON u.id = m.user_id
    WHERE e.module_id IN (SELECT id FROM modules) AND m.role = 'end_user' AND m.is_active AND u.is_active
    GROUP BY e.module_id
),
deliverables AS (
    SELECT module_id,
           count(*) AS deliverables,
           count(*) FILTER (WHERE status = 'signed_off') AS deliverables_signed_off
    FROM modules_deliverable
    WHERE module_id IN (SELECT id FROM modules)
    GROUP BY module_id
),
issues AS (
    SELECT module_id,
           count(*) AS open_issues,
           count(*) FILTER (WHERE blocks_go_live OR severity IN ('s1', 's2')) AS open_blockers,
           count(*) FILTER (WHERE blocks_go_live) AS open_blocking_go_live,
           count(*) FILTER (WHERE severity IN ('s1', 's2')) AS open_s1_s2,
           count(*) FILTER (WHERE sla_paused_at IS NULL AND (
               resolve_due < %(now)s OR (first_response_at IS NULL AND respond_due < %(now)s)
           )) AS overdue
    FROM issues_issue
    WHERE project_id = %(project_id)s AND status IN ('new', 'triaged', 'in_progress', 'waiting')
    GROUP BY module_id
),
-- The UAT cycle that counts: the latest one already started, else the next one.
uat AS (
    SELECT id FROM acceptance_testcycle
    WHERE project_id = %(project_id)s AND kind = 'uat'
    ORDER BY (start_date > %(today)s), start_date DESC, id DESC
    LIMIT 1
),
-- Each planned scenario's state: its latest run's result, in progress while that run is unfinished.
planned AS (
    SELECT sc.module_id,
           (SELECT CASE WHEN r.finished_at IS NULL THEN 'in_progress' ELSE r.result END
            FROM acceptance_testrun r
            WHERE r.cycle_id = cs.cycle_id AND r.scenario_id = cs.scenario_id
            ORDER BY r.started_at DESC, r.id DESC
            LIMIT 1) AS state
    FROM acceptance_cyclescenario cs
    JOIN acceptance_testscenario sc ON sc.id = cs.scenario_id
    WHERE cs.cycle_id = (SELECT id FROM uat)
),
tests AS (
    SELECT module_id,
           count(*) AS uat_planned,
           count(*) FILTER (WHERE state = 'passed') AS uat_passed,
           count(*) FILTER (WHERE state IN ('failed', 'blocked')) AS uat_failed
    FROM planned
    GROUP BY module_id
),
defects AS (
    SELECT sc.module_id, count(DISTINCT i.id) AS uat_open_defects
    FROM issues_issue i
    JOIN acceptance_stepresult sr ON sr.defect_id = i.id
    JOIN acceptance_testrun r ON r.id = sr.run_id
    JOIN acceptance_testscenario sc ON sc.id = r.scenario_id
    WHERE r.cycle_id = (SELECT id FROM uat) AND i.status IN ('new', 'triaged', 'in_progress', 'waiting')
    GROUP BY sc.module_id
),
sign_offs AS (
    SELECT module_id FROM acceptance_modulesignoff WHERE cycle_id = (SELECT id FROM uat)
)
SELECT m.id AS module_id,
       coalesce(k.key_users, 0) AS key_users,
       coalesce(k.key_users_certified, 0) AS key_users_certified,
       coalesce(e.end_users, 0) AS end_users,
       coalesce(e.end_users_trained, 0) AS end_users_trained,
       coalesce(d.deliverables, 0) AS deliverables,
       coalesce(d.deliverables_signed_off, 0) AS deliverables_signed_off,
       coalesce(i.open_issues, 0) AS open_issues,
       coalesce(i.open_blockers, 0) AS open_blockers,
       coalesce(i.open_blocking_go_live, 0) AS open_blocking_go_live,
       coalesce(i.open_s1_s2, 0) AS open_s1_s2,
       coalesce(i.overdue, 0) AS overdue,
       coalesce(t.uat_planned, 0) AS uat_planned,
       coalesce(t.uat_passed, 0) AS uat_passed,
       coalesce(t.uat_failed, 0) AS uat_failed,
       -- Defects count for the modules the cycle plans or signed off, as on the acceptance pages.
       CASE WHEN t.module_id IS NOT NULL OR s.module_id IS NOT NULL THEN coalesce(x.uat_open_defects, 0) ELSE 0 END
           AS uat_open_defects,
       s.module_id IS NOT NULL AS uat_signed_off
FROM modules m
LEFT JOIN key_users k ON k.module_id = m.id
LEFT JOIN end_users e ON e.module_id = m.id
LEFT JOIN deliverables d ON d.module_id = m.id
LEFT JOIN issues i ON i.module_id = m.id
LEFT JOIN tests t ON t.module_id = m.id
LEFT JOIN defects x ON x.module_id = m.id
LEFT JOIN sign_offs s ON s.module_id = m.id
ORDER BY m.id
