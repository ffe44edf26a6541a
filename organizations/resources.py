"""Spreadsheet import/export of the organization tree (the admin's registry import).

Rows are validated by the model (`clean_model_instances`); a unit moved to another parent or
dissolved by an import goes through `organizations.services`, as in the admin form, so that its
cells follow it (committee, dissolution date).
"""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from organizations import services
from organizations.models import Unit


class UnitResource(resources.ModelResource):
    # Units refer to their parent by code, so a spreadsheet never depends on database ids.
    parent = fields.Field(
        attribute="parent", column_name="parent", widget=ForeignKeyWidget(Unit, field="code")
    )

    class Meta:
        model = Unit
        fields = ("code", "name", "tier", "kind", "place_type", "parent", "founded", "dissolved")
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def before_save_instance(self, instance, row, **kwargs):
        instance._before_import = (
            Unit.objects.filter(pk=instance.pk).values("parent_id", "dissolved").first()
            if instance.pk
            else None
        )
        super().before_save_instance(instance, row, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        before = getattr(instance, "_before_import", None)
        if before is None:
            return
        if before["parent_id"] != instance.parent_id:
            services.move_unit(unit=instance, new_parent=instance.parent)
        if instance.dissolved and before["dissolved"] != instance.dissolved:
            services.dissolve_unit(unit=instance, on=instance.dissolved, merged_into=instance.merged_into)
