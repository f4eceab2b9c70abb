"""Per-language boilerplate strings, fictional sites and synthetic names for the demo crawl."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    """A fictional website: host, display name, URL layout (0-2) and HTTP Server header."""

    host: str
    name: str
    layout: int
    server: str


@dataclass(frozen=True)
class Ui:
    """Localised boilerplate and templates; "|" separates list items."""

    nav: str
    cookie: str
    accept: str
    reject: str
    related: str
    legal: str
    rights: str
    published: str
    date: str
    tips_heading: str
    tips: str
    update: str
    contact: str
    order: str
    log: str
    empty: str
    tiny: str
    phones: str


UI: dict[str, Ui] = {
    "en": Ui(
        nav="Home|Recipes|Cycling|Garden|Local History|Travel|Music|Tech Notes|Weather|About",
        cookie="We use cookies to remember your settings and to count visits. "
        "You can change your choice at any time.",
        accept="Accept all",
        reject="Only necessary",
        related="Related posts",
        legal="Imprint|Privacy policy|Terms of use|Contact",
        rights="All rights reserved.",
        published="Published on",
        date="%Y-%m-%d",
        tips_heading="Quick tips",
        tips="Start small and build a routine you can keep.|Write down what worked and "
        "what did not.|Ask a neighbour before buying new tools.|Check the forecast the "
        "evening before.|Keep spare batteries in the kitchen drawer.|Tidy up as you go, "
        "it saves time later.",
        update="Update: we corrected a few details in this post after readers wrote in.",
        contact="Questions about this post? Write to {email} or call {phone} on weekdays.",
        order="Test orders in our shop are paid with the card number {card}, "
        "which never charges anyone.",
        log="Last week our server received thousands of odd requests from {ip}, "
        "so the site was slow for a while.",
        empty="There are no posts in this category yet.",
        tiny="This page is coming soon",
        phones="+44 20 7946 0###|(555) 010-####|+1 202 555 01##",
    ),
    "de": Ui(
        nav="Startseite|Rezepte|Radfahren|Garten|Heimatgeschichte|Reisen|Musik|Technik|"
        "Wetter|Über uns",
        cookie="Wir verwenden Cookies, um Ihre Einstellungen zu speichern und Besuche zu "
        "zählen. Sie können Ihre Auswahl jederzeit ändern.",
        accept="Alle akzeptieren",
        reject="Nur notwendige",
        related="Ähnliche Beiträge",
        legal="Impressum|Datenschutz|Nutzungsbedingungen|Kontakt",
        rights="Alle Rechte vorbehalten.",
        published="Veröffentlicht am",
        date="%d.%m.%Y",
        tips_heading="Kurz notiert",
        tips="Klein anfangen und dranbleiben.|Notieren, was funktioniert hat und was "
        "nicht.|Vor dem Kauf neuer Werkzeuge die Nachbarn fragen.|Am Vorabend den "
        "Wetterbericht prüfen.|Ersatzbatterien in der Schublade aufbewahren.|Gleich "
        "aufräumen, das spart später Zeit.",
        update="Nachtrag: Nach Hinweisen unserer Leser haben wir einige Details in diesem "
        "Beitrag korrigiert.",
        contact="Fragen zu diesem Beitrag? Schreiben Sie an {email} oder rufen Sie "
        "werktags unter {phone} an.",
        order="Testbestellungen im Shop laufen über die Kartennummer {card}, dabei wird "
        "nichts abgebucht.",
        log="Letzte Woche kamen tausende seltsame Anfragen von der Adresse {ip}, deshalb "
        "war die Seite zeitweise langsam.",
        empty="In dieser Kategorie gibt es noch keine Beiträge.",
        tiny="Diese Seite folgt in Kürze",
        phones="+49 30 901820##|+49 89 2180 ####|+43 1 531 ## ###",
    ),
    "fr": Ui(
        nav="Accueil|Recettes|Vélo|Jardin|Patrimoine|Voyages|Musique|Informatique|Météo|À propos",
        cookie="Nous utilisons des cookies pour mémoriser vos préférences et mesurer "
        "l'audience. Vous pouvez modifier votre choix à tout moment.",
        accept="Tout accepter",
        reject="Refuser",
        related="Articles similaires",
        legal="Mentions légales|Confidentialité|Conditions d'utilisation|Contact",
        rights="Tous droits réservés.",
        published="Publié le",
        date="%d/%m/%Y",
        tips_heading="En bref",
        tips="Commencer petit et garder le rythme.|Noter ce qui a marché et ce qui a "
        "échoué.|Demander conseil aux voisins avant d'acheter.|Regarder la météo la "
        "veille au soir.|Garder des piles de rechange dans un tiroir.|Ranger au fur et "
        "à mesure pour gagner du temps.",
        update="Mise à jour : nous avons corrigé quelques détails de cet article grâce à "
        "nos lecteurs.",
        contact="Une question sur cet article ? Écrivez à {email} ou appelez le {phone} "
        "en semaine.",
        order="Les commandes de test de la boutique utilisent la carte {card}, qui ne "
        "débite jamais personne.",
        log="La semaine dernière, notre serveur a reçu des milliers de requêtes étranges "
        "depuis {ip}, ce qui a ralenti le site.",
        empty="Aucun article dans cette catégorie pour le moment.",
        tiny="Cette page arrive très bientôt",
        phones="+33 1 99 00 ## ##|+33 4 72 ## ## ##|+32 2 ### ## ##",
    ),
    "es": Ui(
        nav="Inicio|Recetas|Bicicleta|Huerto|Historia local|Viajes|Música|Tecnología|"
        "El tiempo|Quiénes somos",
        cookie="Utilizamos cookies para recordar tus preferencias y contar las visitas. "
        "Puedes cambiar tu elección en cualquier momento.",
        accept="Aceptar todas",
        reject="Solo necesarias",
        related="Artículos relacionados",
        legal="Aviso legal|Privacidad|Condiciones de uso|Contacto",
        rights="Todos los derechos reservados.",
        published="Publicado el",
        date="%d/%m/%Y",
        tips_heading="Consejos rápidos",
        tips="Empieza poco a poco y mantén la constancia.|Apunta lo que funcionó y lo "
        "que no.|Pregunta a los vecinos antes de comprar herramientas.|Consulta la "
        "previsión la noche anterior.|Guarda pilas de repuesto en un cajón.|Recoge "
        "sobre la marcha y ahorrarás tiempo.",
        update="Actualización: hemos corregido algunos detalles de este artículo gracias "
        "a nuestros lectores.",
        contact="¿Tienes preguntas sobre este artículo? Escribe a {email} o llama al "
        "{phone} de lunes a viernes.",
        order="Los pedidos de prueba de la tienda se pagan con la tarjeta {card}, que "
        "nunca realiza cargos.",
        log="La semana pasada nuestro servidor recibió miles de peticiones extrañas desde "
        "{ip} y la web estuvo lenta.",
        empty="Todavía no hay artículos en esta categoría.",
        tiny="Esta página estará disponible pronto",
        phones="+34 91 ### ## ##|+34 93 ### ## ##|+52 55 #### ####",
    ),
    "nl": Ui(
        nav="Home|Recepten|Fietsen|Tuin|Lokale geschiedenis|Reizen|Muziek|Techniek|Weer|Over ons",
        cookie="Wij gebruiken cookies om je voorkeuren te onthouden en bezoeken te "
        "tellen. Je kunt je keuze altijd aanpassen.",
        accept="Alles accepteren",
        reject="Alleen noodzakelijk",
        related="Gerelateerde berichten",
        legal="Colofon|Privacyverklaring|Gebruiksvoorwaarden|Contact",
        rights="Alle rechten voorbehouden.",
        published="Gepubliceerd op",
        date="%d-%m-%Y",
        tips_heading="Handige tips",
        tips="Begin klein en houd het vol.|Schrijf op wat werkte en wat niet.|Vraag de "
        "buren voordat je nieuw gereedschap koopt.|Kijk de avond ervoor naar de "
        "weersverwachting.|Bewaar reservebatterijen in een la.|Ruim meteen op, dat "
        "scheelt later tijd.",
        update="Update: na reacties van lezers hebben we een paar details in dit bericht "
        "aangepast.",
        contact="Vragen over dit bericht? Mail naar {email} of bel op werkdagen naar {phone}.",
        order="Testbestellingen in onze webwinkel doen we met kaartnummer {card}, er "
        "wordt nooit iets afgeschreven.",
        log="Vorige week kreeg onze server duizenden vreemde verzoeken vanaf {ip}, "
        "waardoor de site een tijdje traag was.",
        empty="Er zijn nog geen berichten in deze categorie.",
        tiny="Deze pagina komt binnenkort online",
        phones="+31 20 ### ####|+31 30 ### ####|+32 9 ### ## ##",
    ),
    "ru": Ui(
        nav="Главная|Рецепты|Велосипед|Дача|Краеведение|Путешествия|Музыка|Технологии|Погода|О нас",
        cookie="Мы используем файлы cookie, чтобы запоминать ваши настройки и считать "
        "посещения. Вы можете изменить выбор в любой момент.",
        accept="Принять все",
        reject="Только необходимые",
        related="Похожие записи",
        legal="Правовая информация|Конфиденциальность|Условия использования|Контакты",
        rights="Все права защищены.",
        published="Опубликовано",
        date="%d.%m.%Y",
        tips_heading="Коротко",
        tips="Начинайте с малого и не бросайте.|Записывайте, что получилось, а что "
        "нет.|Прежде чем покупать инструмент, спросите соседей.|Проверяйте прогноз "
        "погоды накануне вечером.|Держите запасные батарейки в ящике стола.|Убирайте "
        "сразу, это экономит время.",
        update="Обновление: по просьбам читателей мы исправили несколько деталей в этой записи.",
        contact="Есть вопросы по этой записи? Пишите на {email} или звоните по будням: {phone}.",
        order="Тестовые заказы в магазине оформляются по карте {card}, деньги при этом "
        "не списываются.",
        log="На прошлой неделе наш сервер получил тысячи странных запросов с адреса "
        "{ip}, и сайт какое-то время работал медленно.",
        empty="В этой рубрике пока нет записей.",
        tiny="Эта страница скоро будет доступна",
        phones="+7 495 ###-##-##|+7 812 ###-##-##|+7 (383) ###-##-##",
    ),
    "zh": Ui(
        nav="首页|家常菜|骑行|种菜|老城故事|旅行|音乐|技术|天气|关于我们",
        cookie="本网站使用 Cookie 来记住您的设置并统计访问量。您可以随时更改您的选择。",
        accept="全部接受",
        reject="仅限必要",
        related="相关文章",
        legal="法律声明|隐私政策|使用条款|联系我们",
        rights="保留所有权利。",
        published="发布于",
        date="%Y-%m-%d",
        tips_heading="小贴士",
        tips="从小事做起，坚持下去。|记下哪些方法有效，哪些无效。|买新工具之前先问问邻居。|"
        "前一天晚上看看天气预报。|抽屉里常备几节电池。|随手整理，能省下不少时间。",
        update="更新：根据读者的反馈，我们修改了本文中的几处细节。",
        contact="对本文有疑问？请发邮件至 {email}，或在工作日拨打 {phone}。",
        order="商城的测试订单使用卡号 {card}，不会产生任何扣款。",
        log="上周我们的服务器收到了来自 {ip} 的数千次异常请求，网站一度变慢。",
        empty="该栏目下暂时还没有文章。",
        tiny="页面建设中，敬请期待",
        phones="+86 10 #### ####|+86 21 #### ####|+86 755 #### ####",
    ),
    "ja": Ui(
        nav="ホーム|レシピ|サイクリング|家庭菜園|まちの歴史|旅行|音楽|テクノロジー|天気|"
        "このサイトについて",
        cookie="当サイトでは、設定の保存とアクセス解析のためにクッキーを使用しています。"
        "設定はいつでも変更できます。",
        accept="すべて許可",
        reject="必要なもののみ",
        related="関連記事",
        legal="運営者情報|プライバシーポリシー|利用規約|お問い合わせ",
        rights="無断転載を禁じます。",
        published="公開日",
        date="%Y/%m/%d",
        tips_heading="ちょっとしたコツ",
        tips="小さく始めて、続けることが大切です。|うまくいったことと失敗したことを書き"
        "留めましょう。|新しい道具を買う前に、近所の人に聞いてみましょう。|前の晩に天気"
        "予報を確認しましょう。|予備の電池を引き出しに入れておきましょう。|こまめに片付"
        "けると、後が楽になります。",
        update="追記：読者の皆さまのご指摘を受けて、この記事の一部を修正しました。",
        contact="この記事へのご質問は {email} まで、または平日に {phone} へお電話ください。",
        order="ショップのテスト注文にはカード番号 {card} を使用しており、"
        "実際の請求は発生しません。",
        log="先週、{ip} から大量の不審なアクセスがあり、一時的にサイトが重くなりました。",
        empty="このカテゴリーにはまだ記事がありません。",
        tiny="このページは準備中です",
        phones="+81 3-####-####|+81 6-####-####|+81 90-####-####",
    ),
    "pt": Ui(
        nav="Início|Receitas|Bicicleta|Horta|História local|Viagens|Música|Tecnologia|"
        "Tempo|Sobre nós",
        cookie="Usamos cookies para lembrar as suas preferências e contar as visitas. "
        "Pode alterar a sua escolha a qualquer momento.",
        accept="Aceitar todos",
        reject="Apenas necessários",
        related="Artigos relacionados",
        legal="Aviso legal|Privacidade|Termos de uso|Contato",
        rights="Todos os direitos reservados.",
        published="Publicado em",
        date="%d/%m/%Y",
        tips_heading="Dicas rápidas",
        tips="Comece pequeno e mantenha a rotina.|Anote o que funcionou e o que não "
        "funcionou.|Pergunte aos vizinhos antes de comprar ferramentas.|Veja a previsão "
        "do tempo na noite anterior.|Guarde pilhas de reserva numa gaveta.|Arrume à "
        "medida que usa, poupa tempo depois.",
        update="Atualização: corrigimos alguns detalhes deste artigo graças aos nossos leitores.",
        contact="Dúvidas sobre este artigo? Escreva para {email} ou ligue para {phone} "
        "nos dias úteis.",
        order="Os pedidos de teste da loja usam o cartão {card}, que nunca gera cobranças.",
        log="Na semana passada o nosso servidor recebeu milhares de pedidos estranhos "
        "vindos de {ip}, e o site ficou lento.",
        empty="Ainda não há artigos nesta categoria.",
        tiny="Esta página chega em breve",
        phones="+351 21 ### ####|+55 11 9####-####|+55 21 ####-####",
    ),
}

SITES: dict[str, tuple[Site, ...]] = {
    "en": (
        Site("www.riverside-kitchen-example.com", "Riverside Kitchen", 0, "nginx/1.24.0"),
        Site("blog.wheel-and-whistle-example.org", "Wheel & Whistle", 1, "Apache/2.4.58"),
        Site("www.oldmilltown-history-example.co.uk", "Old Mill Town History", 2, "nginx"),
        Site("notes.quiet-commit-example.dev", "Quiet Commit", 0, "cloudflare"),
    ),
    "de": (
        Site("www.gartenfreunde-example.de", "Gartenfreunde", 0, "Apache/2.4.57 (Ubuntu)"),
        Site("www.elbe-radler-example.de", "Elbe-Radler", 1, "nginx/1.22.1"),
        Site("www.heimatblatt-example.at", "Heimatblatt", 2, "Apache"),
    ),
    "fr": (
        Site("www.marche-du-samedi-example.fr", "Le Marché du Samedi", 0, "nginx"),
        Site("www.velo-quotidien-example.fr", "Vélo Quotidien", 1, "Apache/2.4.62"),
        Site("www.patrimoine-village-example.be", "Patrimoine du Village", 2, "LiteSpeed"),
    ),
    "es": (
        Site("www.cocina-de-domingo-example.es", "Cocina de Domingo", 0, "nginx"),
        Site("www.rutas-en-bici-example.es", "Rutas en Bici", 1, "Apache"),
        Site("www.huerto-urbano-example.com.mx", "Huerto Urbano", 2, "cloudflare"),
    ),
    "nl": (
        Site("www.fietsdagboek-example.nl", "Fietsdagboek", 0, "nginx"),
        Site("www.grachtverhalen-example.nl", "Grachtverhalen", 2, "Apache"),
        Site("www.moestuin-example.be", "De Moestuin", 1, "LiteSpeed"),
    ),
    "ru": (
        Site("www.dacha-zametki-example.ru", "Дачные заметки", 0, "nginx/1.20.2"),
        Site("www.velogorod-example.ru", "Велогород", 1, "nginx"),
        Site("kraeved-example.ru", "Краевед", 2, "Apache/2.4.6 (CentOS)"),
    ),
    "zh": (
        Site("www.jiachangcai-example.cn", "家常菜日记", 0, "Tengine"),
        Site("www.qixing-riji-example.cn", "骑行日记", 1, "nginx"),
        Site("www.laocheng-example.com.cn", "老城故事", 2, "Apache"),
    ),
    "ja": (
        Site("www.asagohan-nikki-example.jp", "朝ごはん日記", 0, "nginx"),
        Site("www.kawazoi-example.jp", "川沿い散歩", 1, "Apache"),
    ),
    "pt": (
        Site("www.cozinha-da-avo-example.com.br", "Cozinha da Avó", 0, "nginx"),
        Site("www.dias-de-lisboa-example.pt", "Dias de Lisboa", 1, "Apache"),
    ),
}

# ASCII first/last names used to build synthetic addresses like anna.weber@example.org.
NAMES: tuple[tuple[str, str], ...] = (
    ("emma", "clarke"),
    ("james", "holloway"),
    ("anna", "weber"),
    ("jonas", "becker"),
    ("lucie", "martin"),
    ("pablo", "garcia"),
    ("sanne", "devries"),
    ("olga", "smirnova"),
    ("wei", "zhang"),
    ("yuki", "tanaka"),
    ("joao", "silva"),
    ("marta", "lopez"),
)
