def test_smoke(app, world, client_for):
    for key in ("agent", "administration_centrale", "evaluateur", "administrateur"):
        c = client_for(key)
        for path in ("/", "/travail", "/recherche?nom=dupnt", f"/redevables/{world.mine}", "/revue", "/panels",
                     "/panels/nouveau", f"/panels/{world.panel}", "/tableau-de-bord", "/tableau-de-bord/recouvrement.svg",
                     "/administration/utilisateurs", "/administration/audit", f"/redevables/{world.mine}/documents/{world.document}.pdf"):
            r = c.get(path)
            print(key, path, r.status_code)
            if r.status_code >= 500:
                print(r.get_data(as_text=True)[:3000])
