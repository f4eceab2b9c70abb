"""Texts with no PII that a careless detector scrubs: versions, dates, ISBNs, prices, order
numbers, URLs with digits, code, tables, identifiers, and invalid look-alikes (a card number
failing Luhn, an IBAN failing mod-97, SSNs in never-issued ranges)."""

NEAR_MISSES = [
    # versions and build numbers
    "Upgrade to version 1.2.3.4 before Friday; v2.10.3.1 is deprecated.",
    "Python 3.11.4 and numpy 2.0.1 were installed, build 10.0.19041.1 of Windows.",
    "User-Agent: Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.6099.109 Safari/537.36",
    "See section 1.2.3.4 and figure 4.1.2.7 of the specification, OID 1.3.6.1.4.1.311.",
    "Firmware 2.4.16.255 fixes the boot loop reported in release 3.1.0.12.",
    # dates and times
    "The meeting moved from 2023-03-14 to 14.03.2023 at 12:30:45, then to 03/28/2023.",
    "Opening hours: 09:00-17:30, closed 24.12.2023 - 02.01.2024.",
    "Seasons 2019 2020 2021 2022 2023 were played in the old stadium.",
    # ISBNs, ISSNs, DOIs, PubMed ids
    "ISBN 978-3-16-148410-0, ISBN 0-306-40615-2 and ISSN 2049-3630 are in the catalogue.",
    "Cited as doi:10.1000/182 (PMID 12345678), pages 1021-1049.",
    # prices and quantities
    "The laptop costs $1,299.99, the tablet € 1.234.567,89 in bulk, the phone ₹ 12,34,567.",
    "Revenue grew to 12 345 678 EUR; population 8 336 817 in 2020; total 1 234 567 units.",
    "Wholesale price: $ 4 500 000 for 20 000 units, or 225.00 USD each.",
    # order, tracking and account numbers
    "Order #4829301857 shipped; tracking number 1Z999AA10123456784, SKU 123-45-6789.",
    "Your order number is 2015550123 and your invoice 4820-5523-1177.",
    "Reference 1234567812345670 was refunded (ticket 900-12-3456).",
    # URLs with digits
    "Read https://example.com/2021/03/04/story-12345678.html and www.shop.com/p/4111111111111111",
    "See https://www.amazon.com/dp/B08N5WRWNW?ref=1234567890&tag=20-21 for details.",
    "Video at https://youtu.be/dQw4w9WgXcQ?t=2015550123 and http://maps.example.com/@48.85,2.35,12z",
    # code
    "x = 0x7fffffff; for (int i = 0; i < 1000000; i++) { sum += 2015550123; }",
    "std::vector<int> v{1, 2, 3}; auto it = std::find(v.begin(), v.end(), 2);",
    "git clone git@github.com:user/repo.git && npm install @types/node@18.11.9",
    "@media (max-width: 768px) { .icon { background: url(icon@2x.png); } } @Override",
    "api_key = os.environ['API_KEY']; password = getpass(); token = tokenizer.encode(text)",
    'secret_key = settings.SECRET_KEY; "token": "your_token_here", api_key: "<API_KEY>"',
    "commit 3f9a1c2b4d5e6f708192a3b4c5d6e7f809a1b2c3 (uuid 123e4567-e89b-12d3-a456-426614174000)",
    "MAC 00:1A:2B:3C:4D:5E, color #ff5733, Avogadro 6.02214076e23, time 12:30:45.123",
    "localhost 127.0.0.1, router 192.168.1.1, 10.0.0.0/8 and ::1 are private; DNS 8.8.8.8.",
    "The key: C major. The token ring network. Password strength meter. Keyboard shortcuts.",
    # tables and scores
    "| 2019 | 1,234,567 | 12.5% |\n| 2020 | 2,345,678 | 13.1% |\n| 2021 | 3,456,789 | 14.0% |",
    "Ajax 3 PSV 1; Feyenoord 2 Utrecht 2. Standings: 1 2 3 4 5 6 7 8 9 10 Next",
    "Coordinates 48.8566, 2.3522; elevation 35 m; ZIP 90210; postcode SW1A 1AA.",
    "Results: 1996-08-22 Bayern Munich 18 10 5 3 34 17 35 Hamburg 18 9 6 3 31 23 33",
    # invalid look-alikes
    "Card 4111 1111 1111 1112 fails the Luhn check; 9111 1111 1111 1111 has no issuer.",
    "IBAN DE00 3704 0044 0532 0130 00 has a bad checksum; GB82 WEST 1234 5698 7654 3 is short.",
    "SSNs 000-12-3456, 666-12-3456, 900-12-3456, 123-00-4567 and 123-45-0000 were never issued.",
    # what possible-number phones, every card scheme and lower-case IBANs must still leave
    "Švedejis vaidu (1600-1629); the war of 1990-2005; open 0800-1200 and 1300-1700 daily.",
    "Nature (2003) 421 805-811; Kontonummer 0123 456 789; ISSN 0140-6736; at +48.8566140 2.3522219",
    "SPT TELECOM 3355.00 3404.71 10700 36337.137; released 20230314; 王贵贞02018-05-06 发布",
    "Visa has 16 digits, not 411111111111116 (15); Amex 15, not 3411111111111110 (16).",
    "Barcode 5000000000005 and EAN 4006381333931 on the box; mp3 player ab12 cd34 ef56.",
    "iban de88 3704 0044 0532 0130 00 has a bad checksum; de89 37040044 0532013000 odd groups.",
]
