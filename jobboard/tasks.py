from celery import shared_task


@shared_task
def apply_retention():
    from jobboard.retention import retention_apply

    return retention_apply()
