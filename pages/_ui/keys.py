"""Content keys: what a cached result is keyed by when it comes from an upload.

Every session shares one server, so a cached model or parse must be keyed by
everything that determines it.  A description ("digits.csv, 1,437 / 360")
is not enough: two students' files with the same name and size describe
alike but hold other labels.  :func:`upload_digest` names the bytes instead.
"""

import hashlib


def upload_digest(files):
    """SHA-256 (hex) over every uploaded file's name and bytes, in upload order.

    Each file adds the length of its name, the name (it can decide the file's
    role, e.g. ``train`` / ``t10k``), the length of its bytes and their own
    SHA-256, so no two different uploads give the same stream.

    Parameters
    ----------
    files : sequence of uploaded files
        Objects with ``name`` (str) and ``getvalue()`` (bytes), as
        ``st.file_uploader`` returns them.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    digest = hashlib.sha256()
    for file in files:
        name, raw = file.name.encode("utf-8", "surrogatepass"), file.getvalue()
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(len(raw).to_bytes(8, "big") + hashlib.sha256(raw).digest())
    return digest.hexdigest()
