"""Original demo paragraphs in Spanish, Dutch, Russian, Chinese, Japanese and Portuguese."""

MORE_PARAGRAPHS: dict[str, tuple[tuple[str, str], ...]] = {
    "es": (
        (
            "Una paella para los domingos",
            "En casa de mis padres, la paella del domingo es casi una ceremonia. Mi "
            "padre se encarga del fuego y no permite que nadie toque la paellera "
            "mientras el arroz se cuece. Primero dora el pollo y el conejo con "
            "paciencia, después añade las judías verdes, el tomate rallado y el "
            "pimentón. El azafrán y el caldo llegan al final, y a partir de ese "
            "momento ya no se remueve. Todos esperamos con impaciencia el socarrat, "
            "esa capa tostada que se queda pegada al fondo. Comer juntos alrededor "
            "de la misma paellera es, para nosotros, la mejor manera de terminar la "
            "semana.",
        ),
        (
            "En bicicleta por la vía verde",
            "Las vías verdes aprovechan antiguos trazados de ferrocarril y son "
            "perfectas para pedalear sin prisas. El mes pasado recorrimos una de "
            "ellas en dos etapas, atravesando túneles, viaductos y olivares "
            "interminables. Las pendientes son suaves, así que incluso los niños "
            "pudieron seguir el ritmo sin problemas. En las antiguas estaciones hay "
            "ahora albergues, bares y pequeños museos. Recomendamos llevar linterna "
            "para los túneles más largos y mucha agua en verano. Al final del día, "
            "el cansancio se olvida con una buena cena en el pueblo.",
        ),
        (
            "El huerto en la terraza",
            "Vivir en un piso no impide tener un pequeño huerto. En mi terraza "
            "cultivo lechugas, tomates cherry, pimientos y varias hierbas "
            "aromáticas en macetas de distintos tamaños. Lo más importante es "
            "elegir recipientes con buen drenaje y regar a primera hora de la "
            "mañana. En verano, el sol de la tarde puede ser muy intenso, por eso "
            "coloco una malla de sombreo. Cada cosecha es pequeña, pero tiene un "
            "sabor que no se encuentra en el supermercado. Además, cuidar las "
            "plantas después del trabajo me ayuda a desconectar.",
        ),
        (
            "La historia del viejo mercado",
            "El mercado de abastos de mi barrio se inauguró a principios del siglo "
            "pasado y todavía conserva su estructura de hierro y cristal. Durante "
            "décadas fue el centro de la vida social del barrio. Mi abuela "
            "recordaba las colas que se formaban en la posguerra y los nombres de "
            "todos los vendedores. Hace unos años el edificio estaba casi "
            "abandonado, pero una reforma cuidadosa le devolvió la vida. Hoy "
            "conviven los puestos tradicionales de fruta y pescado con pequeños "
            "bares de tapas. Los domingos por la mañana, el ambiente es "
            "inmejorable.",
        ),
        (
            "Cuando llega la gota fría",
            "En otoño, la costa mediterránea vive pendiente del cielo. Después de "
            "un verano muy caluroso, el mar está templado y basta una entrada de "
            "aire frío en altura para que se formen tormentas muy intensas. En "
            "pocas horas puede llover lo mismo que en varios meses. Los vecinos más "
            "mayores conocen bien las ramblas que se desbordan y siempre aconsejan "
            "no aparcar cerca de ellas. Las alertas en el móvil han mejorado mucho "
            "la prevención. Aun así, nunca está de más tener una linterna y algo de "
            "agua en casa.",
        ),
        (
            "Aprender a programar por curiosidad",
            "Empecé a programar por pura curiosidad, con un pequeño script para "
            "ordenar las fotos de mis vacaciones. Nunca pensé que aquello se "
            "convertiría en una afición tan absorbente. Cada problema resuelto me "
            "llevaba a otro nuevo, y pronto estaba leyendo documentación hasta "
            "altas horas de la noche. Lo que más me ayudó fue participar en un "
            "grupo local que se reúne una vez al mes en la biblioteca. Allí aprendí "
            "a pedir ayuda sin vergüenza y a explicar mis dudas con claridad. Hoy "
            "escribo pequeñas herramientas para mi trabajo y sigo disfrutando como "
            "el primer día.",
        ),
        (
            "Música en la plaza del pueblo",
            "Cada verano, la banda municipal ofrece conciertos gratuitos en la "
            "plaza del pueblo. Los músicos son vecinos de todas las edades, desde "
            "estudiantes de instituto hasta jubilados que llevan cuarenta años "
            "tocando el clarinete. Las familias llegan temprano con sillas "
            "plegables y algo para picar. El repertorio mezcla pasodobles, bandas "
            "sonoras de películas y alguna canción moderna que sorprende al "
            "público. Cuando cae la noche y se encienden las farolas, parece que "
            "todo el pueblo respira al mismo ritmo.",
        ),
    ),
    "nl": (
        (
            "Fietsen tegen de wind in",
            "Wie in Nederland fietst, leert al snel dat de wind altijd van voren "
            "lijkt te komen. Op de dijk langs het IJsselmeer kun je soms "
            "minutenlang trappen zonder echt vooruit te komen. Toch heeft het iets "
            "bevredigends om na zo'n tocht thuis te komen met rode wangen en "
            "trillende benen. Ik heb geleerd om de route te plannen met de "
            "windrichting in gedachten. Op de heenweg kies ik de zware kant, zodat "
            "ik op de terugweg de wind in de rug heb. Een thermosfles met warme "
            "thee in de fietstas maakt het verhaal compleet.",
        ),
        (
            "Stamppot op een koude avond",
            "Wanneer het buiten nat en donker is, verlang ik naar een pan stamppot. "
            "Mijn favoriet is boerenkool met aardappelen, een flinke klont boter en "
            "een rookworst die rustig meewarmt. Het geheim zit in het stampen zelf, "
            "zodat er nog wat structuur overblijft. Sommige mensen voegen spekjes "
            "of een scheutje azijn toe, en daar is eigenlijk niets mis mee. Bij ons "
            "thuis wordt er altijd een kuiltje in gemaakt voor de jus. Het is "
            "eenvoudig eten, maar het geeft een gevoel van warmte dat geen "
            "restaurant kan evenaren.",
        ),
        (
            "De geschiedenis van onze gracht",
            "De gracht waaraan ik woon, werd in de zeventiende eeuw gegraven om "
            "goederen tot diep in de stad te kunnen vervoeren. Op oude prenten zie "
            "je schuiten vol turf, graan en bier langs de kades liggen. De "
            "pakhuizen met hun hijsbalken herinneren nog aan die drukke tijd. Later "
            "raakte het water vervuild en werd er zelfs overwogen om de gracht te "
            "dempen. Gelukkig kwam er protest van bewoners, en zo bleef het water "
            "behouden. Tegenwoordig varen er vooral rondvaartboten en kano's, en in "
            "strenge winters wordt er soms geschaatst.",
        ),
        (
            "Tulpenbollen planten in de herfst",
            "Het voelt altijd een beetje vreemd om in oktober bollen in de grond te "
            "stoppen, terwijl de tuin zich juist klaarmaakt voor de winter. Toch is "
            "dit het juiste moment voor tulpen, narcissen en blauwe druifjes. Ik "
            "plant ze in groepjes van zeven of negen, omdat dat natuurlijker oogt "
            "dan rechte rijen. De vuistregel is dat een bol twee keer zo diep moet "
            "liggen als hij hoog is. Daarna hoef je eigenlijk alleen nog maar te "
            "wachten. Als in april de eerste kleuren verschijnen, ben je het koude "
            "werk allang vergeten.",
        ),
        (
            "Regen, regen en nog eens regen",
            "Het Nederlandse weer is een dankbaar gespreksonderwerp, vooral omdat "
            "het zo vaak verandert. Een ochtend kan beginnen met zon, overgaan in "
            "een stevige bui en eindigen met een prachtige regenboog boven de "
            "polder. Veel mensen kijken daarom eerst op de buienradar voordat ze de "
            "deur uitgaan. Zelf heb ik altijd een dunne regenjas in mijn tas, ook "
            "als de lucht helder is. Wie hier woont, weet dat er geen slecht weer "
            "bestaat, alleen verkeerde kleding. Die uitspraak hoor je op elke "
            "verjaardag minstens één keer.",
        ),
        (
            "Een oude laptop nieuw leven geven",
            "Mijn oude laptop was zo traag geworden dat ik hem bijna naar de "
            "milieustraat had gebracht. Een collega raadde me aan om eerst een "
            "lichtgewicht besturingssysteem te proberen. Na een avondje installeren "
            "en instellen bleek het apparaat weer prima bruikbaar voor e-mail, "
            "tekstverwerking en het bekijken van video's. Ook heb ik de oude harde "
            "schijf vervangen door een goedkope SSD, wat een enorm verschil maakte. "
            "Het voelt goed om iets te repareren in plaats van het weg te gooien. "
            "Inmiddels gebruikt mijn zoon hem voor zijn huiswerk.",
        ),
        (
            "Zingen in het buurtkoor",
            "Ons buurtkoor repeteert elke donderdagavond in het zaaltje achter de "
            "kerk. Er zijn geen audities, en dat is precies de bedoeling. Sommige "
            "leden lezen moeiteloos bladmuziek, anderen leren alles op het gehoor. "
            "De dirigent weet iedereen mee te krijgen met grapjes en eindeloos "
            "geduld. Na de repetitie drinken we samen koffie en praten we bij over "
            "de buurt. Twee keer per jaar geven we een optreden in het "
            "verzorgingshuis, en die middagen behoren steevast tot de mooiste van "
            "het jaar.",
        ),
    ),
    "ru": (
        (
            "Щи по бабушкиному рецепту",
            "Каждую осень моя бабушка варила большую кастрюлю кислых щей, и запах "
            "квашеной капусты наполнял всю квартиру. Она считала, что настоящие щи "
            "должны томиться в духовке несколько часов. Сначала она обжаривала лук "
            "и морковь, затем добавляла капусту, немного томата и лавровый лист. "
            "Бульон варился на говяжьей косточке с самого утра. Подавали щи со "
            "сметаной и ломтём чёрного хлеба. Теперь я готовлю их сама и каждый раз "
            "вспоминаю её маленькую кухню с занавесками в горошек.",
        ),
        (
            "На велосипеде по набережной",
            "Летом я стараюсь ездить на работу на велосипеде, и моя любимая дорога "
            "проходит вдоль реки. Рано утром набережная почти пустая, только рыбаки "
            "да редкие бегуны. Весь путь занимает около получаса, и это лучшее "
            "время дня, чтобы спокойно подумать. Конечно, иногда приходится "
            "объезжать лужи и ремонтные работы. Зато я приезжаю в офис бодрой и в "
            "хорошем настроении. Коллеги сначала посмеивались, а теперь двое из них "
            "тоже купили велосипеды.",
        ),
        (
            "Старая водонапорная башня",
            "В нашем городе до сих пор стоит кирпичная водонапорная башня, "
            "построенная больше ста лет назад. Когда-то она снабжала водой весь "
            "район вокруг вокзала. Потом появился новый водопровод, и башня много "
            "лет стояла заброшенной. Местные краеведы долго добивались, чтобы её не "
            "снесли. В конце концов здание отреставрировали, а наверху открыли "
            "небольшой музей и смотровую площадку. Оттуда видно всю старую часть "
            "города, реку и даже дальний лес.",
        ),
        (
            "Огород на даче",
            "Для многих семей дача — это не просто загородный дом, а целый образ "
            "жизни. С мая по сентябрь мы проводим там почти все выходные. Весной "
            "сажаем картошку, огурцы и помидоры, летом бесконечно поливаем и "
            "пропалываем грядки. В августе наступает время заготовок: варенье, "
            "соленья и компоты занимают все полки в погребе. Иногда кажется, что "
            "работы слишком много. Но зимой, открывая банку малинового варенья, "
            "понимаешь, что всё было не зря.",
        ),
        (
            "Когда приходят морозы",
            "В январе у нас нередко бывают морозы ниже двадцати градусов. Воздух "
            "становится сухим и звонким, снег громко скрипит под ногами, а над "
            "крышами поднимается густой пар. В такие дни люди одеваются в несколько "
            "слоёв и стараются не задерживаться на улице. Дети, наоборот, радуются, "
            "ведь в сильный мороз отменяют занятия в школе. Я люблю вечером "
            "смотреть из окна на замёрзшие деревья в свете фонарей. Главное — "
            "заранее проверить, хорошо ли заводится машина.",
        ),
        (
            "Как я учился программировать",
            "Первую программу я написал ещё в школе, на старом компьютере в "
            "кабинете информатики. Это была простая игра, в которой нужно было "
            "угадать число. Потом был долгий перерыв, и к программированию я "
            "вернулся только после университета. Помогли бесплатные онлайн-курсы и "
            "терпеливые люди на форумах. Самым трудным оказалось не выучить "
            "синтаксис, а научиться разбивать большую задачу на маленькие шаги. "
            "Сейчас я работаю разработчиком и всё так же радуюсь, когда код наконец "
            "работает.",
        ),
        (
            "Музыка в электричке",
            "По дороге на дачу я часто слышу в электричке уличных музыкантов. Чаще "
            "всего это гитаристы, которые поют песни из старых фильмов. Иногда "
            "заходит пожилой мужчина с баяном, и тогда весь вагон начинает "
            "улыбаться. Кто-то подпевает, кто-то просто смотрит в окно. Однажды "
            "студентка со скрипкой так красиво сыграла вальс, что ей аплодировали "
            "пассажиры из соседнего вагона. Я всегда стараюсь оставить музыкантам "
            "немного денег. Такие маленькие концерты делают долгую поездку короче и "
            "теплее.",
        ),
    ),
    "zh": (
        (
            "周末包饺子",
            "每到周末，我们全家都会一起包饺子。妈妈负责和面，爸爸剁馅，我和妹妹则"
            "负责擀皮和包。馅料最常见的是猪肉白菜，有时也会换成韭菜鸡蛋。刚开始学"
            "的时候，我包的饺子总是破皮，一下锅就散开。后来妈妈教我少放一点馅，边"
            "缘要捏紧，我才慢慢包得像样。热腾腾的饺子出锅时，再配上一碟醋和几瓣蒜"
            "，大家都吃得特别开心。对我来说，这就是家的味道。",
        ),
        (
            "骑车上班的日子",
            "去年春天，我决定不再挤地铁，改为骑自行车上班。从家到公司大约八公里，"
            "骑车需要三十分钟左右。一开始腿很酸，早上还常常迟到。坚持了一个月以后"
            "，我的体力明显变好，也摸清了哪条路车少、哪个路口红灯最长。下雨天我会"
            "穿上雨衣，天气太差就改坐公交。骑车不但省钱，还能看到城市清晨不一样的"
            "风景。",
        ),
        (
            "老城区的石板路",
            "我的家乡有一条很老的石板路，据说已经有三百多年的历史。路两边是低矮的"
            "木房子，有的开着茶馆，有的卖手工布鞋。小时候，我每天放学都会沿着这条"
            "路走回家，听老人们在门口下棋聊天。后来城市发展很快，周围建起了高楼，"
            "但这条街被保留了下来。现在很多游客专门来这里拍照。每次回去，我都会在"
            "那家老茶馆坐一会儿，喝一杯绿茶。",
        ),
        (
            "阳台上的小菜园",
            "我家的阳台不大，但阳光很好。前年我买了几个花盆，开始种一些简单的蔬菜"
            "。小葱和香菜最容易成活，几乎不用特别照顾。番茄需要搭架子，还要经常打"
            "掉多余的侧枝。夏天最忙的是浇水，早晚各一次。虽然收获不多，但自己种的"
            "菜吃起来格外香。邻居的孩子也常常过来看，问我什么时候能摘。",
        ),
        (
            "南方的梅雨季节",
            "每年六月前后，南方就进入了梅雨季节。天空总是灰蒙蒙的，雨一下就是好几"
            "天。衣服晾在屋里很难干，墙角也容易发霉。很多家庭会打开除湿机，或者在"
            "柜子里放上干燥剂。虽然这段时间让人有些烦恼，但雨水对农田非常重要。等"
            "到梅雨结束，天气就会一下子变得炎热起来，真正的夏天也就开始了。",
        ),
        (
            "学写代码的第一年",
            "大学毕业后，我在一家小公司做数据整理的工作，每天都要重复很多繁琐的操"
            "作。为了节省时间，我开始自学编程。最开始只是写几个简单的脚本，把表格"
            "自动合并。后来我发现，很多问题都可以用代码解决。遇到困难时，我会在网"
            "上查资料，也会向同事请教。一年下来，我不仅提高了工作效率，还对软件开"
            "发产生了浓厚的兴趣。",
        ),
        (
            "公园里的晨练音乐",
            "每天早上六点多，小区旁边的公园就热闹起来。有人打太极拳，有人跳广场舞"
            "，还有几位老人在亭子里拉二胡、唱戏。音乐声此起彼伏，却并不让人觉得吵"
            "闹。我常常在跑步时经过那里，听到熟悉的老歌就会放慢脚步。这些晨练的人"
            "们大多互相认识，练完以后还会一起去吃早点。对他们来说，音乐和运动是一"
            "天最好的开始。",
        ),
    ),
    "ja": (
        (
            "朝ごはんの味噌汁",
            "毎朝、味噌汁を作るのが私の小さな習慣です。だしは前の晩に昆布を水に浸"
            "けておき、朝に鰹節を加えて取ります。具は冷蔵庫にあるもので十分で、豆"
            "腐とわかめ、玉ねぎとじゃがいもなど、その日の気分で選びます。味噌は火"
            "を止めてから溶くと、香りがよく残ります。温かい汁を一口飲むと、体がゆ"
            "っくりと目を覚ましていくのがわかります。忙しい日でも、この一杯だけは"
            "欠かさないようにしています。",
        ),
        (
            "自転車で川沿いを走る",
            "週末の朝は、自転車で川沿いの道を走ることにしています。車が少なく、信"
            "号もほとんどないので、景色を楽しみながらのんびり進めます。春には桜並"
            "木が続き、秋にはススキが風に揺れています。途中の公園でひと休みして、"
            "水筒のお茶を飲むのが楽しみです。往復で二時間ほどの距離ですが、帰る頃"
            "には気分がすっきりしています。運動不足の解消にもなり、一石二鳥です。",
        ),
        (
            "梅雨の晴れ間",
            "梅雨の時期は、毎日のように雨が降り続きます。洗濯物が乾かず、部屋の中"
            "も何となくじめじめしています。それでも、ふとした晴れ間が訪れると、街"
            "全体が明るくなったように感じます。そんな日は急いで布団を干し、近所の"
            "紫陽花を見に出かけます。雨に濡れた花びらは、晴れた日よりも色が鮮やか"
            "です。季節の移り変わりを感じられるのも、この時期ならではの楽しみだと"
            "思います。",
        ),
        (
            "商店街の古い本屋",
            "駅前の商店街に、創業七十年を超える小さな本屋があります。店内は狭く、"
            "天井まで本がぎっしりと並んでいます。店主のおじいさんは、どの本がどこ"
            "にあるかをすべて覚えているそうです。探している本を伝えると、すぐに棚"
            "の奥から取り出してくれます。大型書店やネット通販が便利になった今でも"
            "、この店には常連客が絶えません。人と本との出会いを大切にする場所だと"
            "感じます。",
        ),
        (
            "ギターを始めて一年",
            "去年の春、思い切ってアコースティックギターを買いました。最初はコード"
            "を押さえるだけで指が痛くなり、何度もやめようかと思いました。それでも"
            "毎晩十五分だけ練習を続けるうちに、少しずつ音がきれいに鳴るようになり"
            "ました。今では好きな曲を何曲か弾き語りできます。上手ではありませんが"
            "、自分で音楽を奏でる楽しさは格別です。次の目標は、友人の結婚式で一曲"
            "演奏することです。",
        ),
    ),
    "pt": (
        (
            "O pão de queijo da minha avó",
            "Na casa da minha avó, em Minas Gerais, o café da tarde nunca acontecia "
            "sem pão de queijo. Ela escaldava o polvilho com leite e óleo quentes, "
            "misturava os ovos um a um e só depois acrescentava o queijo ralado. A "
            "massa precisava descansar um pouco antes de ser enrolada em pequenas "
            "bolinhas. Enquanto assavam, a cozinha inteira ficava perfumada. Hoje "
            "faço a receita na minha própria casa e tento repetir cada gesto dela. "
            "Ainda não ficam iguais, mas chegam bem perto.",
        ),
        (
            "Pedalar pela orla ao entardecer",
            "Depois do trabalho, gosto de pedalar pela ciclovia da orla quando o "
            "sol começa a baixar. O movimento de carros fica para trás e o barulho "
            "das ondas ocupa todo o espaço. Encontro sempre os mesmos rostos: "
            "corredores, famílias com crianças e vendedores de água de coco. Em uma "
            "hora de passeio consigo esquecer as preocupações do dia. Nos fins de "
            "semana a ciclovia fica cheia demais, por isso prefiro os dias úteis. É "
            "o meu pequeno momento de liberdade.",
        ),
        (
            "A chuva de verão em Lisboa",
            "Quem visita Lisboa no verão raramente espera chuva, mas às vezes ela "
            "chega sem aviso. O céu escurece de repente sobre o rio e as primeiras "
            "gotas caem pesadas nas calçadas de pedra. Os turistas correm para as "
            "esplanadas, enquanto os moradores abrem o guarda-chuva sem pressa. "
            "Meia hora depois, o sol volta a brilhar e as ruas secam quase de "
            "imediato. Fica no ar um cheiro agradável de terra molhada. São esses "
            "contrastes que tornam a cidade tão especial.",
        ),
        (
            "Uma horta no quintal",
            "Quando nos mudamos para esta casa, o quintal era apenas terra batida e "
            "algumas ervas daninhas. Aos poucos fomos construindo canteiros com "
            "tijolos velhos e enchendo-os de composto. Hoje colhemos alface, couve, "
            "salsa e tomate durante boa parte do ano. As crianças adoram regar as "
            "plantas e procurar joaninhas nas folhas. Não economizamos muito "
            "dinheiro, mas aprendemos bastante sobre paciência e sobre as estações "
            "do ano. E nada se compara ao sabor de uma salada colhida minutos antes "
            "do jantar.",
        ),
        (
            "Aprender música depois dos quarenta",
            "Sempre quis tocar piano, mas só tive coragem de começar aos quarenta e "
            "dois anos. As primeiras aulas foram difíceis, porque as mãos pareciam "
            "não obedecer. A professora insistiu que eu praticasse um pouco todos "
            "os dias em vez de estudar muito de uma só vez. Aos poucos as peças "
            "simples começaram a soar como música de verdade. Hoje toco para a "
            "família nas festas de fim de ano. Não sou virtuoso, mas descobri uma "
            "alegria que eu nem sabia que existia.",
        ),
    ),
}
