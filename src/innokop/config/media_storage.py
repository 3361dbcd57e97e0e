"""Where uploaded and generated files are kept (docs/scaling.md): on local disk under MEDIA_ROOT by default, or in
an S3-compatible bucket when INNOKOP_MEDIA_STORAGE=s3, so that several machines share them.

Either way the files are private: nothing is served from MEDIA_URL or from the bucket; every download goes
through a view that checks the reader's rights and streams the file through the storage API. In the bucket no
object gets an ACL of its own (an S3 object without one is readable by the bucket's owner only, and a bucket with
ACLs disabled refuses any other), and any URL the storage would make is signed and expires.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

LOCAL = "local"
S3 = "s3"


def media_storage(environ: Mapping[str, str]) -> dict:
    """The `STORAGES["default"]` entry the environment asks for.

    INNOKOP_MEDIA_STORAGE: `local` (the default) or `s3`. With `s3`: AWS_STORAGE_BUCKET_NAME (required),
    AWS_S3_ENDPOINT_URL (for a service other than Amazon S3, such as MinIO), AWS_S3_REGION_NAME,
    AWS_S3_ADDRESSING_STYLE (`path` or `virtual`), AWS_LOCATION (a prefix for every key). The credentials are
    boto3's own: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, else a profile or the
    machine's role; they never pass through the settings.
    """
    kind = environ.get("INNOKOP_MEDIA_STORAGE", LOCAL).strip().lower() or LOCAL
    if kind == LOCAL:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != S3:
        raise ImproperlyConfigured(f"INNOKOP_MEDIA_STORAGE is {kind!r}: use {LOCAL!r} (the default) or {S3!r}.")
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        raise ImproperlyConfigured("INNOKOP_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket's name.")
    options = {
        "bucket_name": bucket,
        "default_acl": None,  # no ACL of its own: private to the bucket's owner (see above)
        "querystring_auth": True,  # a URL made by the storage is signed and expires; Innoköp hands none out
        "file_overwrite": False,  # a name already taken gets a suffix, as on disk, never replaces a file
        "location": environ.get("AWS_LOCATION", "").strip().strip("/"),
    }
    for option, name in (("endpoint_url", "AWS_S3_ENDPOINT_URL"), ("region_name", "AWS_S3_REGION_NAME"),
                         ("addressing_style", "AWS_S3_ADDRESSING_STYLE")):
        if environ.get(name, "").strip():
            options[option] = environ[name].strip()
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
