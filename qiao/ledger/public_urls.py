app_name = "ledger_public"

urlpatterns = []
