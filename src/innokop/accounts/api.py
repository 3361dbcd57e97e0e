from ninja import Router

from .schemas import MeOut

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="The authenticated user and their organisations and roles")
def me(request):
    memberships = request.actor.memberships
    return {
        "email": request.user.email,
        "full_name": request.user.full_name,
        "language": request.user.language,
        "memberships": [
            {"organisation": m.organisation, "role": m.role}
            for m in memberships
        ],
    }
