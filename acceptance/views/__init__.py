"""Pages of acceptance testing: cycles and their progress, scenarios (with import and export), runs
and their steps, defects raised from steps, and the Key User's sign-off; one module each."""
