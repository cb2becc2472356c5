/**
 * Marks the spot a failed run points at (`details.position` of QUERY_SYNTAX_ERROR, docs/api.md): a wavy underline
 * from that character to the end of its word, cleared by the next edit.
 */
import { StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';

export const setErrorMark = StateEffect.define<{ from: number; to: number } | null>();

const mark = Decoration.mark({ class: 'cm-error-mark', attributes: { 'data-testid': 'error-mark' } });

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    for (const effect of tr.effects) {
      if (effect.is(setErrorMark)) return effect.value ? Decoration.set([mark.range(effect.value.from, effect.value.to)]) : Decoration.none;
    }
    return tr.docChanged ? Decoration.none : marks.map(tr.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});

export const errorMarkExtension: Extension = errorField;

/** Marks the error at a document offset and moves the cursor there. */
export function markErrorAt(view: EditorView, offset: number): void {
  const doc = view.state.doc;
  const from = Math.max(0, Math.min(offset, doc.length));
  const word = /^[^\s;,()]+/.exec(doc.sliceString(from, Math.min(doc.length, from + 200)));
  const to = Math.min(doc.length, from + Math.max(1, word?.[0].length ?? 1));
  if (to <= from) return;
  view.dispatch({ effects: [setErrorMark.of({ from, to }), EditorView.scrollIntoView(from, { y: 'center' })], selection: { anchor: from } });
}
