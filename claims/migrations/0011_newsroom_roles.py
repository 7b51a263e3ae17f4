"""The newsroom's roles as groups: Fact-checker and Editor (superusers have every right).

The lists are frozen here, as a migration must be; tests/test_roles.py checks them against
the workflow's permission matrix (docs/workflow.md).
"""

from django.db import migrations

FACT_CHECKER = "Fact-checker"
EDITOR = "Editor"

FACT_CHECKER_PERMISSIONS = [
    # Import articles and read what extraction found.
    "view_article",
    "add_article",
    "change_article",
    "view_importjob",
    "add_importjob",
    "view_quotation",
    "view_speaker",
    "add_speaker",
    "change_speaker",
    # Triage claims and work on them.
    "view_claim",
    "change_claim",
    "triage_claim",
    "view_claimappearance",
    "add_claimappearance",
    "change_claimappearance",
    "delete_claimappearance",
    "view_claimnote",
    "add_claimnote",
    # Sources and their background checks.
    "view_source",
    "add_source",
    "change_source",
    "delete_source",
    "view_failingsource",
    "view_sourcecheck",
    # Draft verdicts and hand them to an editor.
    "view_review",
    "add_review",
    "change_review",
    "submit_review",
    "view_correction",
    "view_rating",
    "view_ratingscale",
    # Readers' submissions.
    "view_readersubmission",
    "change_readersubmission",
]
EDITOR_PERMISSIONS = [
    *FACT_CHECKER_PERMISSIONS,
    "assign_claim",
    "approve_review",
    "publish_review",
    "unpublish_review",
    "correct_review",
]


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    # create_permissions skips app configs without a models module, which the migration
    # state's configs lack; the flag is put back after, so a real registry is left as it was.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((FACT_CHECKER, FACT_CHECKER_PERMISSIONS), (EDITOR, EDITOR_PERMISSIONS)):
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="claims", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[FACT_CHECKER, EDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_newsroom_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
