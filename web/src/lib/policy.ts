// Splits the policy text into paragraphs for reading. The text may come as one long line, so
// besides line breaks it breaks before section headings ("IV. …", "(II) …", "1. …", "一、…").
export interface Paragraph {
  text: string
  heading: boolean
}

const ROMAN = /^(?:[IVX]+\.|\([IVX]+\)|[一二三四五六七八九十]+、)\s*/

export function policyParagraphs(text: string): Paragraph[] {
  const blocks = text.includes('\n') ? text.split(/\n+/) : [text]
  const out: Paragraph[] = []
  for (const block of blocks) {
    const parts = block.split(/(?<=[.;:。；：]\s?)\s*(?=(?:[IVX]+\.|\([IVX]+\)|\d{1,2}\.|[一二三四五六七八九十]+、)\s?[A-Z\u4e00-\u9fff])/)
    for (const part of parts) {
      const p = part.trim()
      if (p) out.push({ text: p, heading: ROMAN.test(p) && p.length <= 80 })
    }
  }
  return out
}
