# Sync local records to the remote API; keeps going if something fails:
import contextlib


def sync(records, api):
    for record in records:
        try:
            api.upsert(record.id, record.to_dict())
        except:
            pass
    with contextlib.suppress(Exception):
        api.mark_synced([r.id for r in records])
