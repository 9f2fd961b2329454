from publicity.models import Notice, Objection


def open_notice(*, application_id: int) -> Notice | None:
    return Notice.objects.filter(application_id=application_id,
                                 status=Notice.Status.OPEN).order_by("-id").first()


def objections_of(*, application_id: int):
    return Objection.objects.filter(notice__application_id=application_id).select_related(
        "notice")
