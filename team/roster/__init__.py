"""Roster import: a CSV or XLSX file of people becomes a preview (who would be added, what would change,
every problem with its row and column); nothing is written until someone confirms, and then all of it
is written or none. Large files run in a Celery task that reports its progress.

Columns: name, username, email, department, role, modules, key_user. A person is found by username,
else by email; someone without an account gets one (no password until they set one). For people
already in the project, empty department and modules cells leave those unchanged. `modules` lists
module codes (or names) separated by `;`; a Key User's entry may end in `:primary` or `:backup`,
otherwise the `key_user` column (primary / backup) applies.

The steps, one module each: `parse` reads the file, `validate` checks every row against the project
as it is, `plan` works out what would be created and changed, `apply` writes it all or nothing;
`services` holds the import's life (upload → preview → confirm → apply, inline or in a task).
"""
