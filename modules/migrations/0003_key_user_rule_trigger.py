"""On PostgreSQL, the Key User rule as a deferred constraint trigger.

At commit, every module touched by the transaction must still have an effective Key User (an active
Key User membership of an active account); a module deleted in the same transaction is left alone,
so deleting a module with its assignments, or a whole project, works. It catches what bypasses the
services: raw SQL, QuerySet.update()/delete(), the shell.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION modules_key_user_rule_check(p_module_id bigint) RETURNS void AS $$
DECLARE
    m_name text;
BEGIN
    SELECT name INTO m_name FROM modules_businessmodule WHERE id = p_module_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF NOT EXISTS (
        SELECT 1
        FROM modules_keyuserassignment a
        JOIN people_membership m ON m.id = a.membership_id
        JOIN people_user u ON u.id = m.user_id
        WHERE a.module_id = p_module_id AND m.role = 'key_user' AND m.is_active AND u.is_active
    ) THEN
        RAISE EXCEPTION 'Business module "%" (id %) would be left without a Key User', m_name, p_module_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'modules_businessmodule_has_key_user';
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION modules_key_user_rule_on_module() RETURNS trigger AS $$
BEGIN
    PERFORM modules_key_user_rule_check(NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION modules_key_user_rule_on_assignment() RETURNS trigger AS $$
BEGIN
    PERFORM modules_key_user_rule_check(OLD.module_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION modules_key_user_rule_on_membership() RETURNS trigger AS $$
DECLARE
    mid bigint;
BEGIN
    FOR mid IN SELECT DISTINCT module_id FROM modules_keyuserassignment WHERE membership_id = OLD.id ORDER BY module_id LOOP
        PERFORM modules_key_user_rule_check(mid);
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION modules_key_user_rule_on_user() RETURNS trigger AS $$
DECLARE
    mid bigint;
BEGIN
    FOR mid IN
        SELECT DISTINCT a.module_id FROM modules_keyuserassignment a
        JOIN people_membership m ON m.id = a.membership_id
        WHERE m.user_id = OLD.id ORDER BY a.module_id
    LOOP
        PERFORM modules_key_user_rule_check(mid);
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER modules_key_user_rule_module
    AFTER INSERT ON modules_businessmodule DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION modules_key_user_rule_on_module();
CREATE CONSTRAINT TRIGGER modules_key_user_rule_assignment
    AFTER UPDATE OR DELETE ON modules_keyuserassignment DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION modules_key_user_rule_on_assignment();
CREATE CONSTRAINT TRIGGER modules_key_user_rule_membership
    AFTER UPDATE ON people_membership DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.is_active IS DISTINCT FROM NEW.is_active)
    EXECUTE FUNCTION modules_key_user_rule_on_membership();
CREATE CONSTRAINT TRIGGER modules_key_user_rule_user
    AFTER UPDATE ON people_user DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.is_active AND NOT NEW.is_active)
    EXECUTE FUNCTION modules_key_user_rule_on_user();
"""

DROP = """
DROP TRIGGER IF EXISTS modules_key_user_rule_user ON people_user;
DROP TRIGGER IF EXISTS modules_key_user_rule_membership ON people_membership;
DROP TRIGGER IF EXISTS modules_key_user_rule_assignment ON modules_keyuserassignment;
DROP TRIGGER IF EXISTS modules_key_user_rule_module ON modules_businessmodule;
DROP FUNCTION IF EXISTS modules_key_user_rule_on_user();
DROP FUNCTION IF EXISTS modules_key_user_rule_on_membership();
DROP FUNCTION IF EXISTS modules_key_user_rule_on_assignment();
DROP FUNCTION IF EXISTS modules_key_user_rule_on_module();
DROP FUNCTION IF EXISTS modules_key_user_rule_check(bigint);
"""


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("modules", "0002_initial"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP))]
