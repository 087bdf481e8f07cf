//! Sentence and clause splitting for Chinese (and mixed) text. A sentence ends at 。！？!?…
//! (or `;` runs of them), with closing quotes and brackets kept on the sentence they close;
//! terminal punctuation inside quotes or brackets does not end the outer sentence, unless
//! the quote closes right after it. Ranges are byte ranges into the input.

use std::ops::Range;

/// Characters that end a sentence.
fn is_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '…' | '\n')
}

/// Characters that close a quote or bracket.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '〉' | '"' | '\''
    )
}

fn is_opener(c: char) -> bool {
    matches!(c, '“' | '‘' | '「' | '『' | '（' | '(' | '【' | '《' | '〈')
}

/// Past this many characters inside an unclosed bracket, the bracket is taken to be a typo
/// and sentence ends count again.
const MAX_BRACKET_CHARS: usize = 200;

/// Byte ranges of the sentences of `text`, trimmed of surrounding white space; empty
/// sentences are skipped. Text without any terminal punctuation is one sentence.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut inside = 0usize; // characters since the outermost bracket opened
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_opener(c) {
            depth += 1;
        } else if is_closer(c) && depth > 0 && c != '"' && c != '\'' {
            depth -= 1;
        }
        if depth > 0 {
            inside += 1;
            if inside > MAX_BRACKET_CHARS {
                depth = 0;
            }
        } else {
            inside = 0;
        }
        // A full stop ends an English sentence when white space (or the end) follows;
        // elsewhere it is a decimal point or an abbreviation.
        let english_stop = c == '.' && chars.peek().is_none_or(|&(_, d)| d.is_whitespace());
        if !is_terminal(c) && !english_stop {
            continue;
        }
        // Take the rest of a run of terminals (`？！`, `……`) and the closers after it.
        let mut end = i + c.len_utf8();
        let mut closed_depth = depth;
        while let Some(&(j, d)) = chars.peek() {
            if is_terminal(d) && d != '\n' {
                end = j + d.len_utf8();
                chars.next();
            } else if is_closer(d) && (closed_depth > 0 || d == '"' || d == '\'') {
                closed_depth = closed_depth.saturating_sub(1);
                end = j + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        if closed_depth > 0 && c != '\n' {
            // A sentence end inside quotes or brackets that stay open: not the end of
            // the outer sentence.
            depth = closed_depth;
            continue;
        }
        depth = 0;
        push_trimmed(text, start..end, &mut out);
        start = end;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// Clauses of a sentence: split at ，,；;：: (and the sentence ends), outside brackets and
/// quotes. Used for figures and lede compression.
pub fn clauses(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        if is_opener(c) {
            depth += 1;
        } else if is_closer(c) && depth > 0 {
            depth -= 1;
        }
        let splits = matches!(c, '，' | ',' | '；' | ';' | '：' | ':') || is_terminal(c);
        if splits && depth == 0 {
            let end = i + c.len_utf8();
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// Removes trailing clause punctuation (，；：,;:) from a clause.
pub fn strip_clause_end(clause: &str) -> &str {
    clause.trim_end_matches(['，', ',', '；', ';', '：', ':', '、', ' '])
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let piece = &text[range.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail < piece.len() {
        out.push(range.start + lead..range.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn sentence_golden() {
        let cases: &[(&str, &[&str])] = &[
            (
                "第一句。第二句！第三句？",
                &["第一句。", "第二句！", "第三句？"],
            ),
            (
                "他说：“我们要努力。”大家鼓掌。",
                &["他说：“我们要努力。”", "大家鼓掌。"],
            ),
            (
                "“一是一，二是二。”他说。",
                &["“一是一，二是二。”", "他说。"],
            ),
            (
                "要坚持“负责任、动脑筋、讲良心”的工作要求,做好当前。下一句。",
                &[
                    "要坚持“负责任、动脑筋、讲良心”的工作要求,做好当前。",
                    "下一句。",
                ],
            ),
            ("真的吗？！是的……好。", &["真的吗？！", "是的……", "好。"]),
            (
                "会议（详见附件。）已结束。",
                &["会议（详见附件。）", "已结束。"],
            ),
            ("没有标点的一段文字", &["没有标点的一段文字"]),
            (
                "Hello world. It works! ok",
                &["Hello world.", "It works!", "ok"],
            ),
            ("增长50.8%。", &["增长50.8%。"]),
            ("第一行\n第二行", &["第一行", "第二行"]),
            ("", &[]),
            ("  。 ", &["。"]),
        ];
        for (input, want) in cases {
            assert_eq!(split(input), *want, "sentences of {input:?}");
        }
    }

    #[test]
    fn quoted_inner_sentences_stay_together() {
        let text = "他强调：“要抓落实。要见实效。”会议结束。";
        assert_eq!(
            split(text),
            ["他强调：“要抓落实。要见实效。”", "会议结束。"]
        );
    }

    #[test]
    fn unclosed_bracket_does_not_swallow_the_text() {
        let text = format!("（{}。后面的句子。再一句。", "很长".repeat(150));
        assert!(split(&text).len() >= 2, "{:?}", split(&text));
    }

    #[test]
    fn clause_golden() {
        let text = "忻州作为黄河入晋第一市,50.8%的国土面积在黄河流域,31.3%的市域人口沿黄河而居。";
        let got: Vec<&str> = clauses(text)
            .into_iter()
            .map(|r| strip_clause_end(&text[r]))
            .collect();
        assert_eq!(
            got,
            [
                "忻州作为黄河入晋第一市",
                "50.8%的国土面积在黄河流域",
                "31.3%的市域人口沿黄河而居。"
            ]
        );
    }
}
