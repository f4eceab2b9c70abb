"""Original demo paragraphs (title, text) per language; English, German and French here."""

from pipelines.demo.texts_more import MORE_PARAGRAPHS

PARAGRAPHS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        (
            "Why my sourdough finally rose",
            "For most of last winter my sourdough loaves came out flat, dense and "
            "faintly sour in the wrong way. I blamed the flour, then the oven, and "
            "for a while the weather. The real problem turned out to be the starter "
            "itself, which I had been feeding straight from the fridge and using "
            "before it had properly woken up. Now I take it out the evening before, "
            "feed it twice, and wait until it has doubled and smells like yoghurt "
            "rather than paint thinner. The dough is easier to shape, the crust "
            "cracks the way it should, and the crumb has those uneven holes I had "
            "only seen in bakery windows. Patience, it turns out, is the cheapest "
            "ingredient in the kitchen.",
        ),
        (
            "Riding to work through the wet months",
            "Cycling to the office from October to March is less heroic than people "
            "assume. The trick is to stop hoping for dry days and to plan for rain "
            "instead. A pair of proper mudguards keeps the worst of the road spray "
            "off your back, and a cheap waterproof cover for the pannier saves your "
            "laptop more than once a week. I keep a spare pair of socks in my desk "
            "drawer and a small towel on the coat hook. Lights matter more than "
            "anything else, because the afternoons get dark long before the ride "
            "home. After a few weeks the routine feels normal, and the slow crawl "
            "of traffic beside the bike lane starts to look like the stranger "
            "choice.",
        ),
        (
            "The mill that built our town",
            "Long before the ring road and the retail park, our town grew up around "
            "a single textile mill on the bend of the river. The building still "
            "stands, although the looms left in the nineteen sixties and the ground "
            "floor is now a climbing wall. Old photographs in the library show rows "
            "of terraced houses going up within sight of the chimney, so that "
            "workers could hear the morning bell. The school, the chapel and two of "
            "the pubs were all paid for by the mill owners, who liked to keep an "
            "eye on their employees even on Sundays. Walking past the red brick "
            "today, it is easy to forget how completely one business once shaped "
            "every street around it.",
        ),
        (
            "Tomatoes on a north-facing balcony",
            "Everyone told me that tomatoes would never ripen on a balcony that "
            "only gets sun in the late afternoon. They were partly right. The large "
            "beefsteak variety I tried in the first year produced three hard green "
            "fruits and a great deal of disappointment. The second year I switched "
            "to small cherry tomatoes, moved the pots to the railing where the "
            "light lingers longest, and fed them every week once the first flowers "
            "appeared. By August the plants were heavy with fruit, and I was eating "
            "handfuls straight from the vine while the kettle boiled. Choosing the "
            "right variety did far more than any clever fertiliser ever could.",
        ),
        (
            "What I learned from reviewing code every day",
            "When our team agreed that every change needs a second pair of eyes, I "
            "expected reviews to slow us down. For a few weeks they did. Then "
            "something changed: pull requests became smaller, because nobody wanted "
            "to read a thousand lines on a Friday afternoon. Comments shifted from "
            "style arguments to real questions about edge cases and error handling. "
            "I started writing clearer descriptions, mostly out of sympathy for "
            "whoever would review my work. The biggest surprise was how much I "
            "learned from reading other people's code, including the parts of the "
            "system I had never touched. Reviews are not a gate, they are a "
            "conversation that happens to leave a written record.",
        ),
        (
            "Crossing Europe by night train",
            "Taking the night train from Brussels to Vienna felt like a small act "
            "of nostalgia until the moment I actually boarded. The compartment was "
            "tiny but clean, with three narrow bunks, a bottle of water each and a "
            "folded breakfast menu. A conductor collected our tickets and promised "
            "to wake us an hour before arrival. I fell asleep somewhere in Germany "
            "and woke up to hills, fog and a cup of surprisingly good coffee. "
            "Compared with an early flight, security queues and a bus from the "
            "airport, the train delivered me into the city centre rested and "
            "without rushing. I would happily trade a few hours of speed for that "
            "kind of calm.",
        ),
        (
            "Reading the fog on the coast",
            "Anyone who lives by the sea learns to read the fog before the forecast "
            "does. On still spring mornings a grey wall often sits just beyond the "
            "harbour, waiting for the land to warm up. If the wind turns onshore "
            "before noon, the fog rolls in over the rooftops within minutes and the "
            "temperature drops by several degrees. Fishermen in our town still "
            "check the colour of the horizon at dawn, and they are rarely wrong. "
            "The weather apps have improved a great deal, but they struggle with "
            "such local effects. A quick look out of the kitchen window remains the "
            "most reliable tool I own.",
        ),
        (
            "Learning guitar at forty",
            "I bought my first guitar the week I turned forty, mostly to prove a "
            "point to myself. The first month was humbling: my fingertips hurt, the "
            "chords buzzed, and songs I had known all my life suddenly seemed "
            "impossibly fast. What helped was practising for fifteen minutes every "
            "evening instead of two hours on a Sunday. I kept a simple notebook "
            "with the date, the exercise and one thing that went better than the "
            "day before. Slowly the changes between chords became smoother and I "
            "stopped looking at my hands. I will never play in a stadium, but I can "
            "now accompany my daughter when she sings, and that was the whole "
            "point.",
        ),
        (
            "Our little library on the corner",
            "The community library on our corner opens only three afternoons a "
            "week, yet it may be the busiest room in the neighbourhood. Volunteers "
            "run it with a mixture of stubbornness and good humour. There is a "
            "shelf of seed packets that anyone may borrow, a box of jigsaw puzzles "
            "with the missing pieces noted on the lid, and a table where retired "
            "engineers help children with their maths homework. Last spring the "
            "roof leaked and the whole street raised the money for repairs in two "
            "weekends. A library like this is less about books than about having "
            "somewhere warm to meet people you would otherwise only nod to.",
        ),
        (
            "Fixing a slipping bicycle chain",
            "A chain that slips under pressure is one of the most annoying faults "
            "on a bicycle, and it usually appears on a steep hill. Before buying "
            "new parts, it is worth cleaning the drivetrain properly and checking "
            "the chain for wear with a simple measuring tool. A stretched chain "
            "wears the cassette teeth into a shape that only fits the old chain, "
            "which is why replacing one part alone sometimes makes things worse. If "
            "the chain is within limits, the gear cable may simply need a quarter "
            "turn of the barrel adjuster. Small adjustments, made slowly and tested "
            "on a quiet street, solve most problems without a trip to the shop.",
        ),
        (
            "Making stock from kitchen scraps",
            "I keep a large bag in the freezer for onion skins, carrot ends, celery "
            "leaves and the stalks of herbs. When it is full, everything goes into "
            "a pot with cold water, a bay leaf and a few peppercorns. The stock "
            "simmers gently for about an hour while I do other things, and the "
            "whole flat smells of Sunday lunch. Strained and cooled, it goes into "
            "jars for soups, risotto and the kind of quick noodle dinner that "
            "rescues a tired weekday. It costs almost nothing, it wastes less, and "
            "it tastes far better than any cube from the supermarket shelf.",
        ),
        (
            "Backing up family photos before it is too late",
            "Most families keep their memories on a single phone that is one "
            "dropped glass of water away from disaster. After losing a year of "
            "pictures when an old laptop died, I finally set up a routine that I "
            "actually follow. Photos sync automatically to a small storage box at "
            "home, and once a month that box copies everything to an external drive "
            "kept at my parents' house. The rule is simple: three copies, on two "
            "kinds of media, with one of them somewhere else. Testing a restore now "
            "and then is just as important, because a backup nobody has checked is "
            "only a hopeful guess.",
        ),
    ),
    "de": (
        (
            "Ein Jahr im Kleingarten",
            "Als wir im vergangenen Frühjahr die Parzelle in der Kleingartenanlage "
            "übernommen haben, war der Boden hart wie Beton und voller Quecken. Die "
            "ersten Wochen bestanden fast nur aus Umgraben, Unkrautjäten und "
            "Gesprächen mit den Nachbarn über den Zaun. Herr Albers von nebenan hat "
            "uns gezeigt, wie man ein Hochbeet aus alten Brettern baut, und seine "
            "Frau hat uns Setzlinge für Zucchini geschenkt. Im Sommer wuchsen die "
            "Bohnen schneller, als wir sie ernten konnten. Inzwischen verstehen "
            "wir, warum viele Leute ihre Wochenenden lieber im Garten verbringen "
            "als auf dem Sofa. Die Arbeit ist nie fertig, aber genau das macht den "
            "Reiz aus.",
        ),
        (
            "Mit dem Rad an der Elbe entlang",
            "Der Elberadweg gehört zu den beliebtesten Radstrecken des Landes, und "
            "nach drei Tagen im Sattel wissen wir auch, warum. Die Wege sind fast "
            "durchgehend asphaltiert, es gibt kaum Steigungen, und alle paar "
            "Kilometer lockt ein Biergarten oder ein kleines Café. Wir sind in "
            "Dresden gestartet und haben jeden Abend in einer einfachen Pension "
            "übernachtet. Am zweiten Tag hat uns ein kräftiger Gegenwind zwar "
            "einige Nerven gekostet, doch die Aussicht auf die Weinberge hat vieles "
            "wieder gutgemacht. Wer Gepäck sparen möchte, sollte trotzdem "
            "Regenkleidung und Flickzeug einpacken. Alles andere bekommt man "
            "unterwegs.",
        ),
        (
            "Roggenbrot wie bei Oma",
            "Meine Großmutter hat jeden Samstag ein großes Roggenbrot gebacken, und "
            "der Duft zog durch das ganze Treppenhaus. Ein Rezept hat sie nie "
            "aufgeschrieben, denn sie hat alles nach Gefühl gemacht. Nach vielen "
            "Versuchen bin ich inzwischen ziemlich nah dran. Entscheidend ist ein "
            "kräftiger Sauerteig, der mindestens zwölf Stunden reifen darf. Der "
            "Teig ist klebrig und lässt sich kaum kneten, deshalb arbeite ich mit "
            "nassen Händen und einer Teigkarte. Gebacken wird zuerst sehr heiß und "
            "dann bei fallender Temperatur. Wenn das Brot nach dem Abkühlen "
            "aufgeschnitten wird, schmeckt es fast wie früher in ihrer Küche.",
        ),
        (
            "Die Geschichte unseres Marktplatzes",
            "Der Marktplatz unserer Stadt sieht heute aus, als wäre er schon immer "
            "so gewesen, doch der Eindruck täuscht. Bis ins neunzehnte Jahrhundert "
            "stand in der Mitte ein Brunnen, an dem sich die Bewohner mit Wasser "
            "versorgten. Nach einem großen Brand wurden mehrere Fachwerkhäuser "
            "abgerissen und durch Steinbauten ersetzt. Später fuhr sogar eine "
            "Straßenbahn über den Platz, bis man die Gleise in den sechziger Jahren "
            "entfernte. Heute findet hier zweimal pro Woche der Wochenmarkt statt. "
            "Wer genau hinschaut, entdeckt im Pflaster noch die Umrisse des alten "
            "Brunnens.",
        ),
        (
            "Wenn das Gewitter kommt",
            "Im Hochsommer kündigen sich Gewitter bei uns oft schon am Vormittag "
            "an. Die Luft wird schwer, die Vögel werden still, und über den Hügeln "
            "türmen sich weiße Wolken auf. Spätestens wenn der Wind plötzlich "
            "dreht, hole ich die Kissen von der Terrasse und schließe die "
            "Dachfenster. Meist dauert das Unwetter nur eine halbe Stunde, aber in "
            "dieser Zeit kann eine Menge passieren. Letztes Jahr hat ein "
            "Hagelschauer den Salat im Garten völlig zerfetzt. Seitdem schaue ich "
            "mir an heißen Tagen regelmäßig das Regenradar an und plane Ausflüge "
            "lieber für den frühen Morgen.",
        ),
        (
            "Singen im Chor tut gut",
            "Vor zwei Jahren hat mich eine Kollegin überredet, einmal zur Probe "
            "ihres Chors mitzukommen. Ich hatte seit der Schulzeit nicht mehr "
            "gesungen und war entsprechend nervös. Die Chorleiterin hat mich aber "
            "freundlich aufgenommen und mir einen Platz zwischen zwei erfahrenen "
            "Tenören gegeben. Seitdem ist der Mittwochabend fest im Kalender "
            "eingetragen. Das gemeinsame Singen lenkt vom Alltag ab, und nach der "
            "Probe fühle ich mich jedes Mal erstaunlich entspannt. Im Dezember "
            "geben wir ein Konzert in der Dorfkirche, und die Aufregung wächst "
            "schon jetzt.",
        ),
        (
            "Ordnung im digitalen Alltag",
            "Seit ich überwiegend von zu Hause arbeite, sammeln sich auf meinem "
            "Rechner unzählige Dateien, Notizen und Lesezeichen. Irgendwann habe "
            "ich beschlossen, jeden Freitagnachmittag eine halbe Stunde "
            "aufzuräumen. Alte Downloads werden gelöscht, wichtige Dokumente landen "
            "in klar benannten Ordnern, und offene Aufgaben kommen in eine einfache "
            "Liste. Außerdem habe ich mir angewöhnt, Dateinamen immer mit dem Datum "
            "zu beginnen. Das klingt banal, spart aber viel Zeit beim Suchen. Am "
            "Montag starte ich dadurch mit einem leeren Schreibtisch, zumindest auf "
            "dem Bildschirm.",
        ),
        (
            "Wandern im Herbstnebel",
            "Viele Menschen meiden die Berge im Herbst, weil sie Nebel und kurze "
            "Tage fürchten. Dabei hat gerade diese Jahreszeit ihren eigenen Zauber. "
            "Wenn man früh am Morgen losgeht, liegt das Tal oft unter einer dichten "
            "Wolkendecke, während oben schon die Sonne scheint. Die Wege sind "
            "ruhig, die Hütten weniger voll, und das Laub leuchtet in allen Farben. "
            "Wichtig sind warme Kleidung, eine Stirnlampe und genug Zeit für den "
            "Abstieg. Wer das beachtet, erlebt Tage, die man so schnell nicht "
            "vergisst.",
        ),
    ),
    "fr": (
        (
            "Le marché du samedi matin",
            "Chaque samedi matin, la petite place devant la mairie se transforme en "
            "marché animé. Les maraîchers arrivent avant le lever du jour pour "
            "installer leurs étals de légumes, de fromages et de fleurs. J'aime y "
            "aller tôt, quand les allées sont encore calmes et que les vendeurs ont "
            "le temps de discuter. La fromagère me fait toujours goûter un nouveau "
            "chèvre, et le boulanger garde une miche de pain de campagne pour les "
            "habitués. En rentrant, mon panier est souvent plus lourd que prévu. Ce "
            "rituel hebdomadaire donne au week-end un rythme simple et agréable.",
        ),
        (
            "Apprendre à circuler à vélo en ville",
            "Pendant longtemps, j'ai eu peur de circuler à vélo dans les rues de "
            "Lyon. Les voitures me semblaient trop proches et les carrefours trop "
            "compliqués. Un atelier associatif m'a finalement proposé quelques "
            "séances d'accompagnement avec une bénévole patiente. Elle m'a appris à "
            "prendre ma place sur la chaussée, à regarder loin devant et à signaler "
            "clairement mes intentions. Au bout d'un mois, je faisais le trajet "
            "jusqu'au bureau sans stress. Aujourd'hui, je gagne du temps, "
            "j'économise le prix du métro et je découvre chaque semaine des rues "
            "que je ne connaissais pas.",
        ),
        (
            "Les secrets d'une bonne ratatouille",
            "La ratatouille paraît simple, mais elle demande un peu de patience. Le "
            "secret consiste à cuire chaque légume séparément avant de tout réunir "
            "dans la cocotte. Les aubergines, les courgettes et les poivrons "
            "gardent ainsi leur texture et leur goût. J'ajoute ensuite des tomates "
            "bien mûres, de l'ail et quelques branches de thym du jardin. Le plat "
            "mijote doucement pendant une heure, à couvert. Il est encore meilleur "
            "le lendemain, servi tiède avec un filet d'huile d'olive et une tranche "
            "de pain grillé.",
        ),
        (
            "Un orage sur la côte bretonne",
            "Nous étions en pleine promenade sur le sentier des douaniers quand le "
            "ciel a changé de couleur. En quelques minutes, la mer est devenue "
            "grise et le vent s'est levé avec une force surprenante. Nous avons "
            "trouvé refuge dans une petite chapelle au bord de la falaise, en "
            "compagnie d'un couple de randonneurs allemands. La pluie a tambouriné "
            "sur le toit pendant près d'une heure. Puis, aussi vite qu'il était "
            "arrivé, l'orage s'est éloigné vers le large et un arc-en-ciel est "
            "apparu au-dessus des rochers. C'est ce genre de surprise qui rend la "
            "Bretagne inoubliable.",
        ),
        (
            "L'histoire oubliée du lavoir",
            "Au bout de notre rue se trouve un vieux lavoir en pierre que la "
            "plupart des passants ne remarquent même plus. Pourtant, pendant plus "
            "d'un siècle, c'était l'un des lieux les plus fréquentés du village. "
            "Les femmes y venaient laver le linge, échanger des nouvelles et "
            "parfois régler des disputes. Les anciens racontent que l'eau y était "
            "glacée même en plein été. L'association du patrimoine a récemment "
            "restauré la toiture et installé un panneau explicatif. Depuis, les "
            "enfants de l'école viennent y écouter les histoires de leurs "
            "arrière-grands-parents.",
        ),
        (
            "Pourquoi j'écris les tests avant le code",
            "Au début de ma carrière, j'écrivais les tests à la fin, quand il me "
            "restait du temps, c'est-à-dire rarement. Un projet difficile m'a "
            "obligé à changer de méthode. En écrivant d'abord un petit test qui "
            "échoue, je suis forcé de réfléchir au comportement attendu avant de "
            "penser à l'implémentation. Le code qui en résulte est souvent plus "
            "simple et plus facile à modifier. Bien sûr, cette approche ne convient "
            "pas à toutes les situations. Mais pour les fonctions délicates, elle "
            "m'évite beaucoup de mauvaises surprises en production.",
        ),
        (
            "Le jardin partagé du quartier",
            "Il y a trois ans, un terrain vague derrière la gare a été transformé "
            "en jardin partagé. Chaque famille dispose d'une petite parcelle, mais "
            "les outils, le compost et la récolte des arbres fruitiers sont mis en "
            "commun. Les réunions du mardi soir sont parfois animées, surtout quand "
            "il faut décider de la place des ruches. Les enfants apprennent à "
            "reconnaître les plantes et à arroser sans gaspiller. Pour beaucoup "
            "d'habitants, ce jardin est devenu un lieu de rencontre autant qu'un "
            "potager.",
        ),
    ),
}

PARAGRAPHS.update(MORE_PARAGRAPHS)
