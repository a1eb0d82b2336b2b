//! Labels: the words bindery itself writes into a book ("Contents",
//! "Figure", "Notes"…), in the book's language. Both backends take them
//! from here, so an EPUB and a PDF of a French book say "Table des
//! matières" alike. A project may replace any of them (`[labels]` in
//! `bindery.toml`).
//!
//! Languages are matched by their primary subtag (`fr-CA` → `fr`); Chinese
//! by script (`zh-Hant`, `zh-TW`, `zh-HK` → traditional). A language not in
//! the table gets English.
//!
//! The quotation marks of each language ([`quotes`]) live here too: smart
//! punctuation and `<q>` in the PDF take them.

use std::collections::BTreeMap;

/// A word bindery writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    /// The table of contents.
    Contents,
    /// The cover page.
    Cover,
    /// The notes section.
    Notes,
    /// The landmarks navigation.
    Landmarks,
    /// The landmark of the first page of the text.
    StartOfContent,
    /// "Chapter" (before a number).
    Chapter,
    /// "Figure" (before a number).
    Figure,
    /// "Table" (before a number).
    Table,
    /// "Equation" (before a number).
    Equation,
    /// The index.
    Index,
    /// Continued (a footnote or table carried over to the next page).
    Continued,
    /// The bibliography.
    References,
    /// The title page.
    TitlePage,
    /// The copyright page.
    Copyright,
    /// A note callout.
    Note,
    /// A tip callout.
    Tip,
    /// An important callout.
    Important,
    /// A warning callout.
    Warning,
    /// A caution callout.
    Caution,
    /// "Page" (before a number: "Figure 3 on page 41").
    Page,
}

impl Label {
    /// Every label, in the order of the table's columns.
    pub const ALL: [Label; 20] = [
        Label::Contents,
        Label::Cover,
        Label::Notes,
        Label::Landmarks,
        Label::StartOfContent,
        Label::Chapter,
        Label::Figure,
        Label::Table,
        Label::Equation,
        Label::Index,
        Label::Continued,
        Label::References,
        Label::TitlePage,
        Label::Copyright,
        Label::Note,
        Label::Tip,
        Label::Important,
        Label::Warning,
        Label::Caution,
        Label::Page,
    ];

    /// The key that names the label under `[labels]` (`contents`,
    /// `start_of_content`…).
    pub fn key(self) -> &'static str {
        match self {
            Label::Contents => "contents",
            Label::Cover => "cover",
            Label::Notes => "notes",
            Label::Landmarks => "landmarks",
            Label::StartOfContent => "start_of_content",
            Label::Chapter => "chapter",
            Label::Figure => "figure",
            Label::Table => "table",
            Label::Equation => "equation",
            Label::Index => "index",
            Label::Continued => "continued",
            Label::References => "references",
            Label::TitlePage => "title_page",
            Label::Copyright => "copyright",
            Label::Note => "note",
            Label::Tip => "tip",
            Label::Important => "important",
            Label::Warning => "warning",
            Label::Caution => "caution",
            Label::Page => "page",
        }
    }

    /// The label a `[labels]` key names.
    pub fn from_key(key: &str) -> Option<Label> {
        let key = key.trim().to_ascii_lowercase().replace('-', "_");
        Label::ALL.into_iter().find(|l| l.key() == key)
    }
}

/// One row of the table: a language and its labels, in [`Label::ALL`] order.
type Row = (&'static str, [&'static str; 20]);

/// The labels in each language bindery knows.
#[rustfmt::skip]
const TABLE: &[Row] = &[
    ("en", ["Contents", "Cover", "Notes", "Landmarks", "Start of content", "Chapter", "Figure", "Table", "Equation", "Index", "Continued", "References", "Title page", "Copyright", "Note", "Tip", "Important", "Warning", "Caution", "page"]),
    ("fr", ["Table des matières", "Couverture", "Notes", "Repères", "Début du contenu", "Chapitre", "Figure", "Tableau", "Équation", "Index", "Suite", "Références", "Page de titre", "Droits d’auteur", "Remarque", "Astuce", "Important", "Avertissement", "Attention", "page"]),
    ("de", ["Inhalt", "Umschlag", "Anmerkungen", "Orientierungspunkte", "Beginn des Inhalts", "Kapitel", "Abbildung", "Tabelle", "Gleichung", "Register", "Fortsetzung", "Literatur", "Titelseite", "Impressum", "Hinweis", "Tipp", "Wichtig", "Warnung", "Vorsicht", "Seite"]),
    ("es", ["Índice", "Cubierta", "Notas", "Puntos de referencia", "Inicio del contenido", "Capítulo", "Figura", "Tabla", "Ecuación", "Índice alfabético", "Continuación", "Referencias", "Portada", "Créditos", "Nota", "Consejo", "Importante", "Advertencia", "Precaución", "página"]),
    ("it", ["Indice", "Copertina", "Note", "Punti di riferimento", "Inizio del contenuto", "Capitolo", "Figura", "Tabella", "Equazione", "Indice analitico", "Continua", "Bibliografia", "Frontespizio", "Copyright", "Nota", "Suggerimento", "Importante", "Avviso", "Attenzione", "pagina"]),
    ("pt", ["Sumário", "Capa", "Notas", "Pontos de referência", "Início do conteúdo", "Capítulo", "Figura", "Tabela", "Equação", "Índice remissivo", "Continuação", "Referências", "Folha de rosto", "Direitos autorais", "Nota", "Dica", "Importante", "Aviso", "Cuidado", "página"]),
    ("nl", ["Inhoud", "Omslag", "Noten", "Oriëntatiepunten", "Begin van de inhoud", "Hoofdstuk", "Figuur", "Tabel", "Vergelijking", "Register", "Vervolg", "Literatuur", "Titelpagina", "Colofon", "Opmerking", "Tip", "Belangrijk", "Waarschuwing", "Let op", "pagina"]),
    ("sv", ["Innehåll", "Omslag", "Noter", "Landmärken", "Början av innehållet", "Kapitel", "Figur", "Tabell", "Ekvation", "Register", "Fortsättning", "Referenser", "Titelsida", "Upphovsrätt", "Obs", "Tips", "Viktigt", "Varning", "Försiktighet", "sidan"]),
    ("da", ["Indhold", "Omslag", "Noter", "Orienteringspunkter", "Start på indholdet", "Kapitel", "Figur", "Tabel", "Ligning", "Register", "Fortsat", "Litteratur", "Titelblad", "Ophavsret", "Bemærk", "Tip", "Vigtigt", "Advarsel", "Forsigtig", "side"]),
    ("nb", ["Innhold", "Omslag", "Noter", "Landemerker", "Start på innholdet", "Kapittel", "Figur", "Tabell", "Likning", "Register", "Fortsatt", "Litteratur", "Tittelside", "Opphavsrett", "Merk", "Tips", "Viktig", "Advarsel", "Forsiktig", "side"]),
    ("fi", ["Sisällys", "Kansi", "Huomautukset", "Maamerkit", "Sisällön alku", "Luku", "Kuva", "Taulukko", "Yhtälö", "Hakemisto", "Jatkuu", "Lähteet", "Nimiösivu", "Tekijänoikeudet", "Huomio", "Vinkki", "Tärkeää", "Varoitus", "Varo", "sivu"]),
    ("pl", ["Spis treści", "Okładka", "Przypisy", "Punkty orientacyjne", "Początek treści", "Rozdział", "Rysunek", "Tabela", "Równanie", "Indeks", "Ciąg dalszy", "Bibliografia", "Strona tytułowa", "Prawa autorskie", "Uwaga", "Wskazówka", "Ważne", "Ostrzeżenie", "Przestroga", "strona"]),
    ("cs", ["Obsah", "Obálka", "Poznámky", "Orientační body", "Začátek obsahu", "Kapitola", "Obrázek", "Tabulka", "Rovnice", "Rejstřík", "Pokračování", "Literatura", "Titulní strana", "Autorská práva", "Poznámka", "Tip", "Důležité", "Varování", "Pozor", "strana"]),
    ("ru", ["Содержание", "Обложка", "Примечания", "Ориентиры", "Начало текста", "Глава", "Рисунок", "Таблица", "Уравнение", "Указатель", "Продолжение", "Литература", "Титульный лист", "Авторские права", "Примечание", "Совет", "Важно", "Предупреждение", "Осторожно", "с."]),
    ("uk", ["Зміст", "Обкладинка", "Примітки", "Орієнтири", "Початок тексту", "Розділ", "Рисунок", "Таблиця", "Рівняння", "Покажчик", "Продовження", "Література", "Титульна сторінка", "Авторські права", "Примітка", "Порада", "Важливо", "Попередження", "Обережно", "с."]),
    ("el", ["Περιεχόμενα", "Εξώφυλλο", "Σημειώσεις", "Ορόσημα", "Αρχή του περιεχομένου", "Κεφάλαιο", "Σχήμα", "Πίνακας", "Εξίσωση", "Ευρετήριο", "Συνέχεια", "Βιβλιογραφία", "Σελίδα τίτλου", "Πνευματικά δικαιώματα", "Σημείωση", "Συμβουλή", "Σημαντικό", "Προειδοποίηση", "Προσοχή", "σελίδα"]),
    ("tr", ["İçindekiler", "Kapak", "Notlar", "Yer işaretleri", "İçeriğin başlangıcı", "Bölüm", "Şekil", "Tablo", "Denklem", "Dizin", "Devamı", "Kaynakça", "Başlık sayfası", "Telif hakkı", "Not", "İpucu", "Önemli", "Uyarı", "Dikkat", "sayfa"]),
    ("ar", ["المحتويات", "الغلاف", "الحواشي", "المعالم", "بداية المحتوى", "الفصل", "شكل", "جدول", "معادلة", "الفهرس", "تابع", "المراجع", "صفحة العنوان", "حقوق النشر", "ملاحظة", "تلميح", "مهم", "تحذير", "تنبيه", "صفحة"]),
    ("he", ["תוכן העניינים", "כריכה", "הערות", "ציוני דרך", "תחילת התוכן", "פרק", "איור", "טבלה", "משוואה", "מפתח", "המשך", "מקורות", "עמוד שער", "זכויות יוצרים", "הערה", "עצה", "חשוב", "אזהרה", "זהירות", "עמוד"]),
    ("fa", ["فهرست مطالب", "جلد", "یادداشت‌ها", "نشانه‌ها", "آغاز محتوا", "فصل", "شکل", "جدول", "معادله", "نمایه", "ادامه", "منابع", "صفحهٔ عنوان", "حق نشر", "یادداشت", "نکته", "مهم", "هشدار", "احتیاط", "صفحه"]),
    ("hi", ["विषय-सूची", "आवरण", "टिप्पणियाँ", "सीमाचिह्न", "सामग्री का आरंभ", "अध्याय", "चित्र", "तालिका", "समीकरण", "अनुक्रमणिका", "जारी", "संदर्भ", "शीर्षक पृष्ठ", "कॉपीराइट", "टिप्पणी", "सुझाव", "महत्वपूर्ण", "चेतावनी", "सावधानी", "पृष्ठ"]),
    ("ta", ["பொருளடக்கம்", "அட்டை", "குறிப்புகள்", "அடையாளங்கள்", "உள்ளடக்கத்தின் தொடக்கம்", "அத்தியாயம்", "படம்", "அட்டவணை", "சமன்பாடு", "சொல்லடைவு", "தொடர்ச்சி", "மேற்கோள்கள்", "தலைப்புப் பக்கம்", "பதிப்புரிமை", "குறிப்பு", "உதவிக்குறிப்பு", "முக்கியம்", "எச்சரிக்கை", "கவனம்", "பக்கம்"]),
    ("th", ["สารบัญ", "ปก", "หมายเหตุ", "จุดสังเกต", "เริ่มเนื้อหา", "บทที่", "รูปที่", "ตารางที่", "สมการที่", "ดัชนี", "ต่อ", "เอกสารอ้างอิง", "หน้าปกใน", "ลิขสิทธิ์", "หมายเหตุ", "เคล็ดลับ", "สำคัญ", "คำเตือน", "ข้อควรระวัง", "หน้า"]),
    ("vi", ["Mục lục", "Bìa", "Chú thích", "Mốc", "Bắt đầu nội dung", "Chương", "Hình", "Bảng", "Phương trình", "Chỉ mục", "Tiếp theo", "Tài liệu tham khảo", "Trang tên sách", "Bản quyền", "Ghi chú", "Mẹo", "Quan trọng", "Cảnh báo", "Thận trọng", "trang"]),
    ("id", ["Daftar isi", "Sampul", "Catatan", "Penanda", "Awal isi", "Bab", "Gambar", "Tabel", "Persamaan", "Indeks", "Lanjutan", "Daftar pustaka", "Halaman judul", "Hak cipta", "Catatan", "Tips", "Penting", "Peringatan", "Perhatian", "halaman"]),
    ("ja", ["目次", "表紙", "注", "ランドマーク", "本文の始まり", "章", "図", "表", "式", "索引", "続き", "参考文献", "扉", "奥付", "注記", "ヒント", "重要", "警告", "注意", "ページ"]),
    ("ko", ["목차", "표지", "주", "랜드마크", "본문 시작", "장", "그림", "표", "식", "찾아보기", "계속", "참고 문헌", "속표지", "저작권", "참고", "팁", "중요", "경고", "주의", "쪽"]),
    ("zh-Hans", ["目录", "封面", "注释", "地标", "正文开始", "章", "图", "表", "式", "索引", "续", "参考文献", "扉页", "版权页", "注", "提示", "重要", "警告", "小心", "页"]),
    ("zh-Hant", ["目錄", "封面", "註釋", "地標", "正文開始", "章", "圖", "表", "式", "索引", "續", "參考文獻", "扉頁", "版權頁", "註", "提示", "重要", "警告", "小心", "頁"]),
];

/// The row for a language tag, if bindery knows the language.
fn row(language: &str) -> Option<&'static Row> {
    let tag = language.trim().replace('_', "-").to_ascii_lowercase();
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    let key = match primary {
        "zh" => {
            let traditional = tag
                .split('-')
                .skip(1)
                .any(|p| matches!(p, "hant" | "tw" | "hk" | "mo"));
            if traditional { "zh-Hant" } else { "zh-Hans" }
        }
        // Norwegian: Bokmål for the macrolanguage and Nynorsk alike.
        "no" | "nn" => "nb",
        // Filipino and others fall back to English below.
        other => other,
    };
    TABLE
        .iter()
        .find(|(lang, _)| lang.eq_ignore_ascii_case(key))
}

/// Whether bindery has its own labels for a language.
pub fn knows(language: &str) -> bool {
    row(language).is_some()
}

/// The languages the table has, as their tags.
pub fn languages() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|(lang, _)| *lang)
}

/// The labels of one book: its language's, with the project's overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    row: &'static Row,
    overrides: BTreeMap<Label, String>,
}

impl Default for Labels {
    fn default() -> Self {
        Labels::new("en", BTreeMap::new())
    }
}

impl Labels {
    /// The labels for `language` (English when it is not in the table),
    /// with `overrides` in their place.
    pub fn new(language: &str, overrides: BTreeMap<Label, String>) -> Labels {
        Labels {
            row: row(language).unwrap_or(&TABLE[0]),
            overrides,
        }
    }

    /// The text of a label.
    pub fn get(&self, label: Label) -> &str {
        if let Some(text) = self.overrides.get(&label) {
            return text;
        }
        let column = Label::ALL.iter().position(|l| *l == label).unwrap_or(0);
        self.row.1[column]
    }

    /// A numbered label: "Figure 3", "Chapitre 2", "図3", "第3章"…, as the
    /// language writes them.
    pub fn numbered(&self, label: Label, number: &str) -> String {
        let word = self.get(label);
        if self.overrides.contains_key(&label) {
            return format!("{word} {number}");
        }
        match (self.row.0, label) {
            ("ja" | "zh-Hans" | "zh-Hant", Label::Chapter) => format!("第{number}{word}"),
            ("ja" | "zh-Hans" | "zh-Hant", _) => format!("{word}{number}"),
            ("ko", Label::Chapter) => format!("제{number}{word}"),
            ("ko", _) => format!("{word} {number}"),
            _ => format!("{word} {number}"),
        }
    }
}

/// The quotation marks of a language: outer and inner, opening and
/// closing, with the spaces French sets inside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotes {
    /// Opening outer quote.
    pub open: &'static str,
    /// Closing outer quote.
    pub close: &'static str,
    /// Opening inner quote.
    pub inner_open: &'static str,
    /// Closing inner quote.
    pub inner_close: &'static str,
}

/// The quotation marks of `language` (English ones for a language not
/// listed). French sets a narrow no-break space inside its guillemets.
pub fn quotes(language: &str) -> Quotes {
    let q = |open, close, inner_open, inner_close| Quotes {
        open,
        close,
        inner_open,
        inner_close,
    };
    let tag = language.trim().replace('_', "-").to_ascii_lowercase();
    let primary = tag.split('-').next().unwrap_or("");
    match primary {
        "fr" => q("«\u{202F}", "\u{202F}»", "“", "”"),
        "de" | "cs" | "sk" | "sl" | "lt" | "is" => q("„", "“", "‚", "‘"),
        "pl" | "ro" | "hu" | "hr" | "bg" => q("„", "”", "«", "»"),
        "ru" | "uk" | "be" | "es" | "it" | "ca" | "el" | "ar" | "fa" | "nb" | "no" | "nn"
        | "et" | "lv" | "hy" | "pt"
            if !(primary == "pt" && tag.contains("br")) =>
        {
            q("«", "»", "“", "”")
        }
        "sv" | "fi" => q("”", "”", "’", "’"),
        "da" => q("»", "«", "›", "‹"),
        "nl" | "tr" | "he" | "hi" | "ta" | "th" | "vi" | "id" | "ko" | "en" => {
            q("“", "”", "‘", "’")
        }
        "ja" => q("「", "」", "『", "』"),
        "zh" if tag.contains("hant") || tag.contains("tw") || tag.contains("hk") => {
            q("「", "」", "『", "』")
        }
        "zh" => q("“", "”", "‘", "’"),
        _ => q("“", "”", "‘", "’"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotation_marks_by_language() {
        assert_eq!(quotes("fr-CA").open, "«\u{202F}");
        assert_eq!(quotes("de").open, "„");
        assert_eq!(quotes("ja").close, "」");
        assert_eq!(quotes("zh-Hant").open, "「");
        assert_eq!(quotes("pt-BR").open, "“");
        assert_eq!(quotes("xx").open, "“");
    }

    #[test]
    fn every_row_has_every_label() {
        for (lang, labels) in TABLE {
            for (label, text) in Label::ALL.iter().zip(labels) {
                assert!(!text.trim().is_empty(), "{lang}: {label:?} is empty");
            }
        }
        assert!(TABLE.len() >= 20, "at least 20 languages");
    }

    #[test]
    fn languages_match_by_primary_subtag_and_script() {
        assert_eq!(
            Labels::new("fr-CA", BTreeMap::new()).get(Label::Contents),
            "Table des matières"
        );
        assert_eq!(
            Labels::new("de_DE", BTreeMap::new()).get(Label::Figure),
            "Abbildung"
        );
        assert_eq!(
            Labels::new("zh-TW", BTreeMap::new()).get(Label::Contents),
            "目錄"
        );
        assert_eq!(
            Labels::new("zh", BTreeMap::new()).get(Label::Contents),
            "目录"
        );
        assert_eq!(
            Labels::new("xx", BTreeMap::new()).get(Label::Contents),
            "Contents"
        );
        assert!(knows("ja-JP") && !knows("tlh"));
    }

    #[test]
    fn numbers_are_placed_as_the_language_writes_them() {
        let ja = Labels::new("ja", BTreeMap::new());
        assert_eq!(ja.numbered(Label::Figure, "3"), "図3");
        assert_eq!(ja.numbered(Label::Chapter, "2"), "第2章");
        let fr = Labels::new("fr", BTreeMap::new());
        assert_eq!(fr.numbered(Label::Table, "1"), "Tableau 1");
    }

    #[test]
    fn overrides_win() {
        let mut overrides = BTreeMap::new();
        overrides.insert(Label::from_key("Contents").unwrap(), "Sommaire".to_string());
        let labels = Labels::new("fr", overrides);
        assert_eq!(labels.get(Label::Contents), "Sommaire");
        assert_eq!(labels.get(Label::Notes), "Notes");
        assert_eq!(
            Label::from_key("start-of-content"),
            Some(Label::StartOfContent)
        );
    }
}
