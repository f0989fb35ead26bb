from typing import Any

from django.db import migrations, models

from iasios.certificates.models import issued_data_sha256


def hash_issued_certificates(apps: Any, schema_editor: Any) -> None:
    Certificate = apps.get_model("certificates", "Certificate")
    for certificate in Certificate.objects.filter(data_sha256=""):
        certificate.data_sha256 = issued_data_sha256(certificate)
        certificate.save(update_fields=["data_sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="data_sha256",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(hash_issued_certificates, migrations.RunPython.noop),
    ]
