"""Demo needs and pre-studies, played through the services with the clock moved to when each thing happened.

Three more agencies join the demo's six, so that needs come from nine. 32 needs describe problems, never
products; four are internal, eight are joined by other agencies (one withdrew again). The pre-study on
smart waste handling and circular furniture was concluded and led to the framework agreement IK-2026-002; the
pre-study on welfare technology is collecting needs now: its needs survey to six agencies is under way (four have
answered), its request for information is open with answers from seven suppliers (one asks for secrecy on its
prices), one supplier has had its meeting (minutes recorded, with what it was told listed for the procurement
documents), and four entries describe ongoing development.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from innokop.accounts.demo import swedish_org_number
from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role, Sector, User
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.calendar import at_local, local_date
from innokop.core.demo import DEMO_PASSWORD, Scenario
from innokop.reference.models import CpvCode, NutsRegion

from . import services
from .models import Need, PreStudy, PreStudyStatus
from .services import market, procurement, surveys

MORE_AGENCIES = [
    ("Region Norrskogen", "232102", "norrskogen", Sector.REGION, "Tiina"),
    ("Bergviks kommun", "212103", "bergvik", Sector.MUNICIPALITY, "Amira"),
    ("Kustbevakningsverket för miljö", "202104", "kustverket", Sector.CENTRAL_GOVERNMENT, "Per"),
]

WASTE = ["90500000", "90511000"]
FURNITURE = ["39100000"]
ENERGY = ["71314300"]
CARE = ["85300000", "72000000"]
IT = ["72000000", "48000000"]
MOBILITY = ["60000000", "34144900"]

# key, agency, title, problem, today, effects, measures, affected, volume, unit, budget, year, quarter, cpv,
# region, urgency, public
NEEDS = [
    ("w1", "sjostad", "Färre överfulla återvinningsstationer",
     "Återvinningsstationerna blir överfulla under helger och efter storhelger. Skräp hamnar utanför kärlen och "
     "invånarna klagar.", "Tömning enligt fast schema varannan vecka, oavsett hur fulla kärlen är.",
     "Inga överfulla kärl och färre onödiga tömningar.", "Andel överfulla kärl vid stickprov; antal tömningar per "
     "månad; klagomål till kundtjänst.", "Invånare, renhållningsarbetare och kommunens kundtjänst.",
     420, "kärl", 1_400_000, 2026, 1, WASTE, "SE232", "high", True),
    ("w2", "alvdala", "Tömning efter behov i glesbygden",
     "Långa körsträckor till kärl som ofta är halvtomma gör tömningen dyr och ger onödiga utsläpp.",
     "En entreprenör kör samma slinga varje vecka.", "Kortare körsträckor och lägre utsläpp utan fler fulla kärl.",
     "Körda mil per månad; koldioxidutsläpp per ton insamlat avfall.", "Invånare på landsbygden och "
     "entreprenören.", 260, "kärl", 600_000, 2026, 2, WASTE, "SE312", "medium", True),
    ("w3", "malarhjartat", "Avfall från vårdens lokaler sorteras fel",
     "Matavfall och förpackningar hamnar i restavfallet på sjukhusen, vilket kostar och strider mot målen.",
     "Manuella stickprov två gånger per år.", "Rätt sortering och kunskap om var felsorteringen sker.",
     "Andel felsorterat avfall per avdelning; kostnad för restavfall.", "Vårdpersonal, lokalvårdare och "
     "patienter.", 180, "uppsamlingsplatser", 900_000, 2026, 2, WASTE, "SE125", "medium", True),
    ("w4", "bergvik", "Nedskräpning i parker och badplatser",
     "På sommaren blir papperskorgarna i parker och vid badplatser överfulla och fåglar sprider skräp.",
     "Parkförvaltningen tömmer dagligen på sommaren och mer sällan övrig tid.",
     "Rena parker och att personalen används där den behövs.", "Antal anmälningar om nedskräpning; "
     "arbetstimmar för tömning.", "Besökare, parkarbetare och närboende.", 150, "papperskorgar", 350_000, 2026, 2,
     WASTE, "SE313", "low", True),
    ("f1", "mdss", "Möbler som återanvänds när kontor flyttar",
     "När kontor flyttar eller krymper slängs fungerande möbler samtidigt som nya köps in.",
     "Varje flytt upphandlas för sig och möblerna kasseras.", "Minst hälften av möblerna återanvänds eller "
     "renoveras.", "Andel återbrukade möbler i kronor och i vikt; klimatpåverkan enligt livscykelanalys.",
     "Medarbetare, lokalförsörjning och ekonomi.", 900, "arbetsplatser", 2_500_000, 2026, 3, FURNITURE, None,
     "medium", True),
    ("f2", "smi", "Flexibel inredning i aktivitetsbaserade kontor",
     "Behovet av arbetsplatser varierar över veckan och dagens inredning går inte att anpassa.",
     "Fasta arbetsplatser och sällan använda rum.", "Lokaler som används bättre med återbrukad inredning.",
     "Beläggningsgrad per vecka; kvadratmeter per medarbetare.", "Medarbetare och fastighetsavdelningen.",
     300, "arbetsplatser", 1_100_000, 2026, 4, FURNITURE, None, "low", True),
    ("e1", "sjostad", "Skolor som är för varma på våren och för kalla på vintern",
     "Inomhusklimatet i skolorna varierar mycket och energin används när ingen är där.",
     "Ventilation och värme styrs efter fasta tider.", "Jämnt inomhusklimat och lägre energianvändning.",
     "Kilowattimmar per kvadratmeter och år; klagomål på inomhusklimatet.", "Elever, lärare och "
     "fastighetsskötare.", 24, "skolor", 3_000_000, 2026, 3, ENERGY, "SE232", "high", True),
    ("e2", "malarhjartat", "Energislöseri i vårdcentraler nattetid",
     "Belysning och ventilation går för fullt när vårdcentralerna är stängda.",
     "Ingen uppföljning per byggnad.", "Lägre energianvändning utan sämre arbetsmiljö.",
     "Energianvändning per byggnad och timme.", "Personal och regionens fastighetsbolag.", 35, "byggnader",
     1_800_000, 2026, 4, ENERGY, "SE125", "medium", False),
    ("w5", "norrskogen", "Insamling av farligt avfall från glesbygden",
     "Invånare långt från återvinningscentraler lämnar farligt avfall i hushållssoporna.",
     "En mobil insamling två gånger per år.", "Mer farligt avfall rätt omhändertaget.",
     "Insamlade kilo farligt avfall per invånare och år.", "Invånare i glesbygden.", 95, "insamlingsplatser",
     700_000, 2026, 2, WASTE, "SE332", "medium", True),
    ("c1", "alvdala", "Trygghet för äldre som bor ensamma",
     "Äldre som bor ensamma och har hemtjänst faller ibland utan att någon märker det förrän vid nästa besök.",
     "Trygghetslarm som den äldre själv måste trycka på.", "Snabbare hjälp efter fall och färre onödiga "
     "nattbesök.", "Tid från fall till hjälp; antal nattbesök per vecka.", "Äldre, anhöriga och hemtjänstens "
     "personal.", 350, "brukare", 1_600_000, 2027, 4, CARE, "SE312", "high", True),
    ("c2", "malarhjartat", "Uppföljning av patienter med hjärtsvikt hemma",
     "Patienter med hjärtsvikt läggs in akut när försämringen kunde ha upptäckts tidigare.",
     "Återbesök på mottagningen var tredje månad.", "Färre akuta inläggningar och tryggare patienter.",
     "Antal akuta inläggningar per patient och år; patientnöjdhet.", "Patienter, anhöriga och "
     "hjärtmottagningarna.", 1_200, "patienter", 4_000_000, 2027, 3, CARE, "SE125", "high", True),
    ("c3", "sjostad", "Nattillsyn som inte väcker",
     "Nattillsyn i hemtjänsten stör sömnen för de äldre och tar mycket personaltid.",
     "Personal besöker varje brukare en till tre gånger per natt.", "Bättre sömn och personal som används där "
     "den behövs.", "Antal störda nätter per brukare; personaltimmar nattetid.", "Äldre och nattpersonal.",
     140, "brukare", 900_000, 2027, 2, CARE, "SE232", "medium", True),
    ("c4", "bergvik", "Påminnelser om läkemedel i hemmet",
     "Brukare tar läkemedel vid fel tid eller glömmer dem, vilket leder till vårdbesök.",
     "Hemtjänsten delar ut läkemedel vid varje besök.", "Rätt läkemedel i rätt tid och färre besök.",
     "Antal avvikelser i läkemedelshanteringen; besök per vecka.", "Brukare, sjuksköterskor och hemtjänst.",
     220, "brukare", 500_000, 2027, 4, CARE, "SE313", "medium", True),
    ("c5", "norrskogen", "Vårdmöten på distans i inlandet",
     "Patienter i inlandet reser långt för korta återbesök.", "Fysiska besök på sjukhuset i kustorten.",
     "Kortare resor utan sämre vård.", "Antal resor som ersatts med distansmöten; patienternas restid.",
     "Patienter, anhöriga och specialistmottagningar.", 5_000, "besök", 2_200_000, 2027, 3, CARE, "SE332",
     "high", True),
    ("c6", "alvdala", "Stöd i vardagen för personer med kognitiv nedsättning",
     "Personer med kognitiv nedsättning behöver stöd att planera dagen men vill klara sig själva.",
     "Boendestödjare ringer eller besöker flera gånger per dag.", "Mer självständighet och färre avbrott för "
     "personalen.", "Självskattad självständighet; antal samtal per dag.", "Brukare och boendestödjare.",
     60, "brukare", None, 2028, 1, CARE, "SE312", "low", False),
    ("a1", "mdss", "Snabbare svar på frågor från medborgare",
     "Kundtjänsten får många likartade frågor och svarstiden är lång under toppar.",
     "Handläggare svarar på varje fråga i e-post och telefon.", "Kortare svarstid och mer tid för svåra "
     "ärenden.", "Svarstid i median; andel frågor lösta vid första kontakten.", "Medborgare och kundtjänst.",
     200_000, "frågor", 3_500_000, 2027, 2, IT, None, "high", True),
    ("a2", "tsv", "Handläggning av ansökningar om dispens",
     "Ansökningar om dispens för tunga transporter kommer in ofullständiga och tar lång tid att handlägga.",
     "Manuell kontroll av varje ansökan och kompletteringar via e-post.", "Kompletta ansökningar och beslut "
     "inom fem dagar.", "Andel kompletta ansökningar; handläggningstid.", "Åkerier och handläggare.",
     14_000, "ansökningar", 2_000_000, 2027, 1, IT, None, "medium", True),
    ("a3", "smi", "Klarspråk i myndighetens beslut",
     "Besluten är svåra att förstå och många ringer för att få dem förklarade.",
     "Handläggare skriver varje beslut fritt utifrån mallar.", "Beslut som mottagarna förstår.",
     "Antal samtal om beslut; läsbarhetsindex.", "Mottagare av beslut och handläggare.", 8_000, "beslut", 700_000,
     2027, 3, IT, None, "low", True),
    ("a4", "kustverket", "Överblick över oljeutsläpp längs kusten",
     "Rapporter om misstänkta utsläpp kommer från många håll och sammanställs för hand.",
     "Rapporter i e-post och telefon som förs in i ett kalkylark.", "En gemensam lägesbild inom en timme.",
     "Tid från rapport till lägesbild; antal missade rapporter.", "Inspektörer, kommuner och räddningstjänst.",
     2_500, "rapporter", 1_500_000, 2027, 2, IT, None, "high", True),
    ("a5", "mdss", "Tillgängliga e-tjänster för alla",
     "Flera e-tjänster går inte att använda med skärmläsare eller förstoring.", "Granskning efter klagomål.",
     "E-tjänster som alla kan använda.", "Antal brister mot EN 301 549; andel ärenden via e-tjänst.",
     "Personer med funktionsnedsättning och alla användare.", 40, "e-tjänster", 1_200_000, 2027, 1, IT, None,
     "medium", True),
    ("a6", "bergvik", "Bygglov som går fortare",
     "Handläggningen av bygglov tar i snitt tio veckor och sökande hör av sig ofta.",
     "Manuell granskning av ritningar och kompletteringar per post.", "Beslut inom fyra veckor.",
     "Handläggningstid i median; antal kompletteringar.", "Sökande och bygglovshandläggare.", 600, "ärenden",
     450_000, 2027, 2, IT, "SE313", "medium", True),
    ("a7", "norrskogen", "Schemaläggning i vården",
     "Scheman för vårdpersonal läggs för hand och det blir ofta underbemanning på helger.",
     "Chefer lägger scheman i kalkylark.", "Bemanning som matchar behovet och färre inhyrda.",
     "Timmar med underbemanning; kostnad för inhyrd personal.", "Vårdpersonal, chefer och patienter.",
     4_000, "anställda", 2_800_000, 2027, 4, IT, "SE332", "high", False),
    ("m1", "tsv", "Tjänsteresor med lägre utsläpp",
     "Medarbetare reser i egen bil i tjänsten och utsläppen ökar.", "Egen bil med milersättning.",
     "Lägre utsläpp och lägre kostnad per resa.", "Koldioxid per tjänsteresa; kostnad per mil.",
     "Medarbetare och ekonomiavdelningen.", 1_500, "medarbetare", 1_000_000, 2027, 1, MOBILITY, None, "medium",
     True),
    ("m2", "sjostad", "Hemtjänstens resor i tätorten",
     "Hemtjänsten har för få bilar på morgonen och bilarna står stilla resten av dagen.",
     "Egna leasade bilar per grupp.", "Rätt antal fordon och lägre utsläpp.", "Fordonsutnyttjande per timme; "
     "utsläpp per besök.", "Hemtjänstpersonal och brukare.", 60, "fordon", 1_300_000, 2027, 2, MOBILITY, "SE232",
     "medium", True),
    ("m3", "smi", "Fältarbete utan egen bilpark",
     "Myndighetens fältpersonal behöver fordon några veckor per år men bilarna står still resten av tiden.",
     "Egen bilpark på fem orter.", "Fordon när de behövs och lägre fasta kostnader.", "Kostnad per fältdag; "
     "antal dagar fordon står stilla.", "Fältpersonal.", 25, "fordon", 800_000, 2027, 2, MOBILITY, None, "low",
     True),
    ("m4", "kustverket", "Laddning för myndighetens fordon vid kusten",
     "Fordonen ska bytas till elfordon men det finns inte laddning vid stationerna.",
     "Fossildrivna fordon.", "Alla fordon eldrivna utan längre insatstider.", "Andel eldrivna fordon; "
     "insatstid.", "Inspektörer och stationerna.", 40, "fordon", None, 2028, 1, MOBILITY, None, "medium", False),
    ("e3", "norrskogen", "Uppvärmning av vårdbyggnader i kallt klimat",
     "Energikostnaden för regionens vårdbyggnader har ökat kraftigt.", "Ingen mätning per byggnadsdel.",
     "Lägre energikostnad och jämn temperatur.", "Kilowattimmar per kvadratmeter och graddag.",
     "Patienter, personal och fastighetsförvaltningen.", 50, "byggnader", 2_400_000, 2027, 3, ENERGY, "SE332",
     "medium", True),
    ("e4", "alvdala", "Gatubelysning som lyser när den behövs",
     "Gatubelysningen lyser hela natten även på vägar där ingen går.", "Belysning styrd av ljusrelä.",
     "Lägre energianvändning utan att trygghetskänslan minskar.", "Kilowattimmar per år; trygghetsmätning.",
     "Invånare och gatuavdelningen.", 3_000, "ljuspunkter", 400_000, 2027, 4, ENERGY, "SE312", "low", True),
    ("f3", "kustverket", "Inredning till nya stationer",
     "Två nya stationer ska inredas och myndigheten vill undvika nyproducerade möbler.",
     "Nya möbler köps vid varje etablering.", "Återbrukad inredning som håller i tuff miljö.",
     "Andel återbrukat; kostnad per arbetsplats.", "Personal på stationerna.", 80, "arbetsplatser", 600_000, 2027,
     2, FURNITURE, None, "low", True),
    ("w6", "kustverket", "Marint skräp på stränderna",
     "Plast och fiskeredskap samlas på stränder och ingen vet var det hamnar mest.",
     "Frivilliga strandstädningar och enstaka inventeringar.", "Kunskap om var skräpet hamnar och snabbare "
     "städning där det behövs.", "Kilo insamlat skräp per kilometer strand; antal inventeringar.",
     "Kustkommuner, frivilliga och djurliv.", 120, "kilometer strand", 900_000, 2027, 2, ["90700000"], None,
     "medium", True),
    ("a8", "smi", "Analys av miljödata från många källor",
     "Mätdata om luft och vatten finns hos många aktörer i olika format.", "Manuell sammanställning varje år.",
     "Aktuella analyser som andra kan använda.", "Tid från mätning till publicerad analys; antal "
     "dataset som uppdateras automatiskt.", "Forskare, kommuner och allmänheten.", 300, "dataset", 1_900_000, 2027,
     3, IT, None, "medium", True),
    ("c7", "bergvik", "Digital fritidsverksamhet för unga med funktionsnedsättning",
     "Unga med funktionsnedsättning har svårt att delta i kommunens fritidsverksamhet.",
     "Verksamhet enbart på plats.", "Fler unga deltar.", "Antal deltagare; självskattad delaktighet.",
     "Unga, vårdnadshavare och fritidsledare.", 80, "deltagare", None, 2028, 2, CARE, "SE313", "low", False),
]

# need, agency, volume, year, quarter
JOINS = [
    ("w1", "bergvik", 180, 2026, 2), ("w1", "alvdala", 90, 2026, 3), ("w2", "norrskogen", 310, 2026, 2),
    ("f1", "smi", 250, 2026, 4), ("f1", "tsv", 400, 2027, 1), ("e1", "bergvik", 9, 2026, 4),
    ("c1", "sjostad", 500, 2027, 4), ("c1", "bergvik", 260, 2028, 1), ("c2", "norrskogen", 700, 2027, 4),
    ("a1", "tsv", 90_000, 2027, 3), ("m1", "smi", 600, 2027, 2),
]
WITHDRAWN = ("c1", "bergvik")

CONCLUDED = ["w1", "w2", "w3", "w4", "w5", "f1", "f2", "e1", "e2"]
COLLECTING = ["c1", "c2", "c3", "c4", "c5"]


def _more_agencies(scenario: Scenario) -> None:
    for name, prefix, key, sector, first in MORE_AGENCIES:
        agency, created = Organisation.objects.get_or_create(
            org_number=swedish_org_number(prefix), defaults={"kind": OrganisationKind.AGENCY, "name": name,
                                                             "sector": sector})
        if created:
            audit_log(actor=None, verb="organisation.created", obj=agency, organisation=agency,
                      payload={"kind": agency.kind, "source": "demo"})
        scenario.count(created)
        scenario.objects[f"org:{key}"] = agency
        email = f"{first.lower()}.inkopare@{key}.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=f"{first} Inköpare")
            audit_log(actor=None, verb="user.created", obj=user, organisation=agency, payload={"source": "demo"})
        for role in (Role.PROCURER, Role.ORGANISATION_ADMIN):
            Membership.objects.get_or_create(user=user, organisation=agency, role=role)
        scenario.objects[f"user:{first.lower()}.inkopare"] = user


def _person_of(agency: Organisation) -> User:
    return (Membership.objects.filter(organisation=agency, role=Role.PROCURER).select_related("user")
            .order_by("user__date_joined", "user_id").first().user)


def _needs(scenario: Scenario, registered_on: dict[str, date]) -> dict[str, Need]:
    made = {}
    for key, agency_key, title, problem, current, effects, measures, affected, volume, unit, budget, year, quarter, \
            cpv, region, urgency, public in NEEDS:
        agency = scenario.objects[f"org:{agency_key}"]
        given = services.NeedInput(
            title=title, problem=problem, current_situation=current, desired_effects=effects,
            effect_measures=measures, affected=affected, volume=volume, volume_unit=unit,
            budget=Decimal(budget) if budget is not None else None, needed_year=year, needed_quarter=quarter,
            cpv_codes=list(CpvCode.objects.filter(code__in=cpv)),
            region=NutsRegion.objects.get(code=region) if region else None, urgency=urgency, is_public=public)
        with clock.travel_to(at_local(registered_on[key], 10)):
            made[key] = services.need_create(actor=_person_of(agency), agency=agency, given=given)
    return made


def _join(scenario: Scenario, needs: dict[str, Need], early: date, late: date) -> None:
    """Agencies join the needs of the concluded pre-study while it collected, the others lately."""
    for need_key, agency_key, volume, year, quarter in JOINS:
        agency = scenario.objects[f"org:{agency_key}"]
        on = early if need_key in CONCLUDED else late
        with clock.travel_to(at_local(on, 14)):
            interest = services.need_join(actor=_person_of(agency), need=needs[need_key], agency=agency,
                                          volume=volume, needed_year=year, needed_quarter=quarter)
        if (need_key, agency_key) == WITHDRAWN:
            with clock.travel_to(at_local(on + timedelta(days=5), 9)):
                services.need_interest_withdraw(actor=_person_of(agency), interest=interest)


def _concluded(scenario: Scenario, needs: dict[str, Need], manager, cpb, today: date) -> None:
    start = today - timedelta(days=700)
    with clock.travel_to(at_local(start, 9)):
        prestudy = services.prestudy_create(actor=manager, owner=cpb, given=services.PreStudyInput(
            title="Smart avfallshantering, cirkulära möbler och energi i offentliga lokaler",
            area="Hur kommuner, regioner och myndigheter kan minska avfall, återbruka inredning och spara energi i "
                 "sina lokaler med ny teknik och nya affärsmodeller. Utvecklingen av sensorer för fyllnadsgrad, "
                 "återbruksmarknaden för möbler och styrning av inomhusklimat har gått snabbt.",
            questions="Vilka problem har kommunerna och regionerna med avfallshanteringen?\n"
                      "Finns det mogna lösningar för tömning efter behov och för återbruk av möbler?\n"
                      "Hur stor är efterfrågan, och var i landet?\n"
                      "Kan ett ramavtal med anbudsområden per område möta behoven?",
            starts_on=start, needs_until=start + timedelta(days=90), concludes_on=start + timedelta(days=220),
            cpv_codes=list(CpvCode.objects.filter(code__in=["90500000", "39100000", "71314300"])),
            team=[manager, scenario.objects.get("user:erik.forvaltare", manager)]))
    steps = [(5, PreStudyStatus.COLLECTING), (95, PreStudyStatus.ANALYSING), (210, PreStudyStatus.CONCLUDED)]
    for key in CONCLUDED:
        with clock.travel_to(at_local(start + timedelta(days=60), 11)):
            services.need_link(actor=manager, need=needs[key], prestudy=prestudy)
    _join(scenario, needs, start + timedelta(days=70), today - timedelta(days=20))
    for offset, status in steps:
        with clock.travel_to(at_local(start + timedelta(days=offset), 10)):
            services.prestudy_advance(actor=manager, prestudy=prestudy, to_status=status)
    _analysis(prestudy, manager, start + timedelta(days=215))
    with clock.travel_to(at_local(start + timedelta(days=225), 10)):
        services.prestudy_decide(
            actor=manager, prestudy=prestudy, outcome=PreStudyStatus.PROCUREMENT_STARTED,
            agreement=scenario.objects.get("agreement:IK-2026-002"),
            reasons="Nio behov från sju organisationer, med en sammanlagd efterfrågan på över 1 400 kärl och "
                    "1 400 arbetsplatser. Flera leverantörer har mogna lösningar. Vi upphandlar ett ramavtal med "
                    "tre anbudsområden: sensorer för avfall, cirkulära möbler och energieffektivisering.")


def _collecting(scenario: Scenario, needs: dict[str, Need], manager, cpb, today: date) -> None:
    start = today - timedelta(days=40)
    with clock.travel_to(at_local(start, 9)):
        prestudy = services.prestudy_create(actor=manager, owner=cpb, given=services.PreStudyInput(
            title="Välfärdsteknik i hemmet",
            area="Digitala lösningar som ger äldre och personer med funktionsnedsättning trygghet och "
                 "självständighet i hemmet, och vård på distans för patienter långt från sjukhuset.",
            questions="Vilka behov har kommuner och regioner av trygghet och tillsyn i hemmet?\n"
                      "Vilka lösningar finns, och hur mogna är de?\n"
                      "Hur ska effekterna följas upp?\n"
                      "Behövs ett nytt ramavtal, eller räcker befintliga?",
            starts_on=start, needs_until=today + timedelta(days=60), concludes_on=today + timedelta(days=180),
            cpv_codes=list(CpvCode.objects.filter(code__in=["85300000", "72000000"])), team=[manager]))
        services.prestudy_advance(actor=manager, prestudy=prestudy, to_status=PreStudyStatus.COLLECTING,
                                  note="Behov samlas in från kommuner och regioner till och med "
                                       f"{(today + timedelta(days=60)).isoformat()}.")
    for key in COLLECTING:
        with clock.travel_to(at_local(today - timedelta(days=10), 11)):
            services.need_link(actor=manager, need=needs[key], prestudy=prestudy)


def load(scenario: Scenario) -> None:
    _more_agencies(scenario)
    manager, cpb = scenario.objects["user:anna.ramstrom"], scenario.objects["org:cpb"]
    today = local_date(clock.now())
    if Need.objects.filter(title=NEEDS[0][2]).exists():
        scenario.count(False)
        _collecting_survey_and_market(scenario, manager, today)
        _public_documents(scenario, manager, today)
        return
    registered_on = {row[0]: today - timedelta(days=680 if row[0] in CONCLUDED else 30 + index)
                     for index, row in enumerate(NEEDS)}
    needs = _needs(scenario, registered_on)
    _concluded(scenario, needs, manager, cpb, today)
    _collecting(scenario, needs, manager, cpb, today)
    scenario.count(True)
    _collecting_survey_and_market(scenario, manager, today)
    _public_documents(scenario, manager, today)


# --- the collecting pre-study's survey and market dialogue -------------------------------------------------------

SURVEY_AGENCIES = ["sjostad", "alvdala", "bergvik", "norrskogen", "malarhjartat", "mdss"]
# agency, urgency, where, users, text; four of six have answered so far
SURVEY_ANSWERS = [
    ("sjostad", "Hög", ["Ordinärt boende", "Särskilt boende"], "1450",
     "Nattillsynen tar mycket tid och väcker brukarna. Vi vill kunna se att allt är väl utan att gå in."),
    ("alvdala", "Medel", ["Ordinärt boende"], "380",
     "Långa avstånd gör att hemtjänsten kör mycket. Trygghetslarmen behöver fungera utan fast telefon."),
    ("norrskogen", "Hög", ["Vård på distans"], "2200",
     "Patienter med hjärtsvikt åker långt för kontroller som kunde göras hemma."),
    ("bergvik", "Låg", ["Ordinärt boende", "Daglig verksamhet"], "260", ""),
]
RFI_SUPPLIERS = [
    # supplier, answers (one per question), secrecy parts, secrecy reasons
    ("vardbryggan", ["Digital nattillsyn med kamera som bara visar en bild när personalen begär det, och "
                     "trygghetslarm över mobilnätet.", "I drift hos tolv kommuner; TRL 9.",
                     "Abonnemang per brukare och månad; pris efter volym.", "Tid per besök, antal larm, nöjdhet."],
     "Svar på fråga 3: våra priser per volymtrappa", "Priserna är inte offentliga och skulle skada oss i kommande "
                                                     "upphandlingar om konkurrenterna fick dem."),
    ("molntjanst", ["En plattform för att samla signaler från sensorer och larm.", "Drift i svenska datacenter.",
                    "Licens per ansluten enhet.", ""], "", ""),
    ("datahamnen", ["Analys av data från larm och sensorer för att planera insatser.", "Pilot i en region.",
                    "Fast pris per år.", "Antal planerade insatser i stället för akuta."], "", ""),
    ("klartext", ["Talstyrning och uppläsning för personer med nedsatt syn.", "Produkt på marknaden.",
                  "Licens per användare.", "Självständighet i vardagen, självskattad."], "", ""),
    ("helsinkiai", ["Fallsensorer utan kamera baserade på radar.", "Testad i Helsingfors, TRL 7.",
                    "Hårdvara plus abonnemang.", "Antal upptäckta fall, tid till hjälp."], "", ""),
    ("norrsken", ["Sensorer för fukt och rörelse i bostaden.", "TRL 8.", "Köp eller hyra.", ""], "", ""),
    ("tillganglig", ["Vi granskar att appar och gränssnitt fungerar för alla.", "Tjänst.", "Löpande räkning.",
                     "Antal brister mot EN 301 549."], "", ""),
]
MARKET_ENTRIES = [
    ("test_bed", "Testbädd för välfärdsteknik i ordinärt boende",
     "Kommuner och företag testar tillsammans digital tillsyn och larm i riktiga hem.", "SE",
     "https://example.org/testbadd-valfardsteknik", None, "vardbryggan"),
    ("research", "Forskning om radar för fallupptäckt utan kamera",
     "Ett universitetsprojekt som jämför radar och kamera för att upptäcka fall i hemmet.", "FI",
     "Rapport 2026:4 från ett finskt forskningsprogram", None, "helsinkiai"),
    ("procurement", "Norsk innovationsupphandling av trygghetslarm",
     "Flera norska kommuner upphandlade gemensamt digitala trygghetslarm med en dialogfas.", "NO",
     "https://example.org/norsk-upphandling-trygghetslarm", None, None),
    ("project", "Vård på distans för patienter med hjärtsvikt",
     "En region följer patienter hemma med vikt, blodtryck och symtom.", "SE",
     "Regionens projektplan, diarienummer RS 2026-118", None, None),
]


def _representative(organisation: Organisation) -> User:
    return (Membership.objects.filter(organisation=organisation, role=Role.SUPPLIER_REPRESENTATIVE)
            .select_related("user").order_by("user__date_joined", "user_id").first().user)


def _collecting_survey(scenario: Scenario, prestudy, manager, today: date) -> None:
    with clock.travel_to(at_local(today - timedelta(days=30), 9)):
        survey = surveys.survey_create(
            actor=manager, prestudy=prestudy, title="Behov av välfärdsteknik i hemmet",
            introduction="Vi vill veta vilka behov er organisation har av trygghet, tillsyn och vård i hemmet. "
                         "Svaren används i förstudien och kan leda till ett nytt ramavtal.",
            deadline=at_local(today + timedelta(days=14), 16),
            agencies=[scenario.objects[f"org:{key}"] for key in SURVEY_AGENCIES])
        surveys.survey_question_add(actor=manager, survey=survey, kind="single", text="Hur brådskande är behovet?",
                                    choices="Låg\nMedel\nHög", required=True)
        surveys.survey_question_add(actor=manager, survey=survey, kind="multiple", text="Var finns behovet?",
                                    choices="Ordinärt boende\nSärskilt boende\nDaglig verksamhet\nVård på distans")
        surveys.survey_question_add(actor=manager, survey=survey, kind="number",
                                    text="Hur många brukare eller patienter berörs per år?")
        surveys.survey_question_add(actor=manager, survey=survey, kind="text", text="Beskriv problemet med egna ord")
        surveys.survey_send(actor=manager, survey=survey)
    questions = list(survey.questions.all())
    for offset, (key, urgency, where, users, text) in enumerate(SURVEY_ANSWERS):
        agency = scenario.objects[f"org:{key}"]
        with clock.travel_to(at_local(today - timedelta(days=25 - offset * 5), 13)):
            surveys.survey_answer(actor=_person_of(agency), survey=survey, agency=agency, values={
                questions[0].pk: urgency, questions[1].pk: where, questions[2].pk: users, questions[3].pk: text})


def _collecting_market(scenario: Scenario, prestudy, manager, today: date) -> None:
    for kind, title, description, country, source, solution, supplier_key in MARKET_ENTRIES:
        with clock.travel_to(at_local(today - timedelta(days=35), 10)):
            market.market_entry_add(actor=manager, prestudy=prestudy, kind=kind, title=title, description=description,
                                    country=country, source=source, solution=solution,
                                    supplier=scenario.objects[f"org:{supplier_key}"] if supplier_key else None)
    with clock.travel_to(at_local(today - timedelta(days=28), 9)):
        dialogue = market.market_dialogue_create(
            actor=manager, prestudy=prestudy, title="Välfärdsteknik för trygghet och vård i hemmet",
            description="Innoköpscentralen gör en förstudie om digitala lösningar som ger äldre och personer med "
                        "funktionsnedsättning trygghet och självständighet i hemmet, och vård på distans. Vi vill "
                        "veta vad som finns och vad som utvecklas, innan vi bestämmer om och hur vi upphandlar.",
            questions="Vilka lösningar erbjuder ni, och vilka problem löser de?\n"
                      "Hur mogna är lösningarna, och var används de?\n"
                      "Hur prissätts de?\n"
                      "Hur följer ni upp effekterna?",
            deadline=at_local(today + timedelta(days=10), 12))
        market.market_dialogue_document_add(
            actor=manager, dialogue=dialogue, title="Bakgrund till förstudien",
            uploaded=SimpleUploadedFile("bakgrund-valfardsteknik.txt", (
                "Bakgrund\n\nKommuner och regioner har registrerat behov av tillsyn, trygghetslarm och vård på "
                "distans. Förstudien samlar behoven och kunskap om marknaden.\n").encode("utf-8")))
        market.market_dialogue_publish(actor=manager, dialogue=dialogue)
    for offset, (key, answers, parts, reasons) in enumerate(RFI_SUPPLIERS):
        supplier = scenario.objects[f"org:{key}"]
        with clock.travel_to(at_local(today - timedelta(days=26 - offset * 3), 11)):
            market.rfi_answer(actor=_representative(supplier), dialogue=dialogue, supplier=supplier, answers=answers,
                              secrecy_parts=parts, secrecy_reasons=reasons)
    with clock.travel_to(at_local(today - timedelta(days=20), 9)):
        first = market.meeting_offer(actor=manager, dialogue=dialogue, starts_at=at_local(today - timedelta(days=8), 10),
                                     minutes_long=60, place="Innoköpscentralen, Stockholm, eller Teams")
        market.meeting_offer(actor=manager, dialogue=dialogue, starts_at=at_local(today + timedelta(days=4), 13),
                             minutes_long=60, place="Innoköpscentralen, Stockholm, eller Teams")
    vardbryggan = scenario.objects["org:vardbryggan"]
    with clock.travel_to(at_local(today - timedelta(days=18), 15)):
        market.meeting_book(actor=_representative(vardbryggan), slot=first, supplier=vardbryggan)
    with clock.travel_to(at_local(today - timedelta(days=8), 11, 30)):
        first.refresh_from_db()
        market.meeting_minutes_record(
            actor=manager, slot=first,
            minutes="Leverantören visade digital nattillsyn och berättade om erfarenheter från tolv kommuner. Vi "
                    "frågade om integritet, drift och hur effekterna följs upp.",
            shared="Vi berättade att förstudien räknar med cirka 4 000 brukare i de kommuner som hittills har svarat.")
    molntjanst = scenario.objects["org:molntjanst"]
    with clock.travel_to(at_local(today - timedelta(days=15), 14)):
        market.contact_record(actor=manager, prestudy=prestudy, supplier=molntjanst, kind="question",
                              summary="Frågade per telefon om svaren får lämnas på engelska. Vi svarade ja.")


def _collecting_survey_and_market(scenario: Scenario, manager, today: date) -> None:
    prestudy = PreStudy.objects.filter(status=PreStudyStatus.COLLECTING, title="Välfärdsteknik i hemmet").first()
    if prestudy is None or prestudy.dialogues.exists():
        scenario.count(False)
        return
    _collecting_survey(scenario, prestudy, manager, today)
    _collecting_market(scenario, prestudy, manager, today)
    scenario.count(True)


# --- public documents: a handled request for the answer with a secrecy request, and one pending -------------------


def _public_documents(scenario: Scenario, manager, today: date) -> None:
    """Vårdbryggan's answer (secrecy asked for its prices, OSL 31:16) was asked for by a journalist and handed out
    with the prices withheld; a second, anonymous request for it is registered and waiting."""
    from django.contrib.auth.models import AnonymousUser

    from .models import DocumentRequest, MarketDialogue, SecrecyProvision
    from .services import documents

    dialogue = MarketDialogue.objects.filter(title="Välfärdsteknik för trygghet och vård i hemmet").first()
    response = dialogue and dialogue.responses.filter(supplier=scenario.objects["org:vardbryggan"]).first()
    if response is None or DocumentRequest.objects.filter(dialogue=dialogue).exists():
        scenario.count(False)
        return
    with clock.travel_to(at_local(today - timedelta(days=9), 8, 30)):
        handled = documents.document_request_register(
            actor=AnonymousUser(), dialogue=dialogue, description="Vårdbryggans svar på förfrågan om välfärdsteknik.",
            name="Karin Granskare", email="karin.granskare@example.se")
    with clock.travel_to(at_local(today - timedelta(days=8), 10)):
        documents.document_request_review(actor=manager, request=handled, document_pk=response.pk)
        for part in handled.parts.all():
            secret = part.number == 3  # "Hur prissätts de?": the prices the supplier asked to keep secret
            documents.document_request_part_decide(
                actor=manager, request=handled, part=part, released=not secret,
                provision=SecrecyProvision.BUSINESS_SECRET if secret else "",
                reasons="Prisuppgifterna är Vårdbryggans affärsförhållanden. Röjs de kan leverantören lida skada i "
                        "kommande upphandlingar." if secret else "")
        documents.document_request_decide(
            actor=manager, request=handled,
            reasons="Svaret lämnas ut utom uppgifterna om priser, som omfattas av sekretess enligt 31 kap. 16 § OSL: "
                    "det kan antas att leverantören lider skada om de röjs.")
    with clock.travel_to(at_local(today - timedelta(days=1), 16)):
        documents.document_request_register(actor=AnonymousUser(), dialogue=dialogue,
                                            description="Alla svar från leverantörerna, särskilt Vårdbryggans.")
    scenario.count(True)


# --- the concluded pre-study's checklist and report (the analysis part) ------------------------------------------


def _analysis(prestudy, manager, on: date) -> None:
    """The checklist of preconditions, saved with the facts computed then, and the report written from it (a DOCX
    and the drafted requirements as XLSX, stored as documents of the pre-study)."""
    with clock.travel_to(at_local(on, 14)):
        procurement.assessment_save(actor=manager, prestudy=prestudy, given=procurement.AssessmentInput(
            route="framework_dialogue",
            route_reasons="Behoven skiljer sig mellan kommunerna och lösningarna utvecklas snabbt: ett ramavtal med "
                          "förnyad konkurrensutsättning och dialog vid avrop låter varje myndighet precisera sitt "
                          "behov när den avropar.",
            competition="Flera leverantörer har mogna lösningar, och en stor del är små och medelstora företag. "
                        "Anbudsområden per område gör det möjligt för dem att lämna anbud.",
            risks="Ny teknik med kort historik i drift; beroende av mobilnät för sensorerna; få leverantörer av "
                  "återbrukade möbler i norra Sverige.",
            recommendation="procure",
            recommendation_text="Upphandla ett ramavtal med tre anbudsområden: sensorer för avfall, cirkulära möbler "
                                "och energieffektivisering i lokaler.",
            contract_years=4))
    with clock.travel_to(at_local(on + timedelta(days=2), 10)):
        procurement.report_generate(actor=manager, prestudy=prestudy)
