# Sync local records to the remote API; collects what failed:
import logging

logger = logging.getLogger(__name__)


def sync(records, api):
    failed = []
    for record in records:
        try:
            api.upsert(record.id, record.to_dict())
        except ConnectionError as error:
            logger.warning("record %s not synced: %s", record.id, error)
            failed.append(record.id)
    api.mark_synced([r.id for r in records if r.id not in failed])
    return failed
