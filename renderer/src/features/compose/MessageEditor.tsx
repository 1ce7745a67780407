import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, isolateHistory } from '@codemirror/commands';
import { setDiagnostics, type Diagnostic as EditorDiagnostic } from '@codemirror/lint';
import type { Diagnostic, TextEdit } from '../../../../shared/domain/lint/types';

/** What the screen can ask of the editor. */
export interface MessageEditorHandle {
  /** Apply a fix as one undoable change. */
  applyEdits: (edits: TextEdit[]) => void;
  /** Select a range and bring it into view. */
  select: (start: number, end: number) => void;
}

const theme = EditorView.theme({
  '&': {
    border: '1px solid var(--mantine-color-gray-4)',
    borderRadius: 'var(--mantine-radius-md)',
    backgroundColor: 'var(--mantine-color-white)',
    fontSize: '15px',
  },
  '&.cm-focused': { outline: '2px solid var(--mantine-color-teal-5)', outlineOffset: '-1px' },
  '.cm-content': { minHeight: '180px', padding: '10px 4px', fontFamily: 'var(--mantine-font-family)', lineHeight: '1.55' },
  '.cm-scroller': { maxHeight: '420px', overflow: 'auto' },
  '.cm-lintRange-error': { backgroundColor: 'rgba(250, 82, 82, 0.10)' },
  '.cm-lintRange-warning': { backgroundColor: 'rgba(250, 176, 5, 0.12)' },
  '.cm-tooltip-lint': { maxWidth: '420px', fontSize: '13px' },
});

/** A fix as its own undo step (not merged with the typing around it). */
function fixTransaction(edits: TextEdit[]) {
  return {
    changes: edits.map((e) => ({ from: e.start, to: e.end, insert: e.text })),
    annotations: isolateHistory.of('full'),
    userEvent: 'input.fix',
  };
}

/**
 * The message text, with the linter's findings underlined in place (CodeMirror's lint layer) and fixes
 * offered in the hover tooltip. The screen owns the diagnostics; the editor only draws them.
 */
export function MessageEditor({
  initial,
  diagnostics,
  onChange,
  label,
  hint,
  ref,
}: {
  initial: string;
  diagnostics: Diagnostic[];
  onChange: (text: string) => void;
  label: string;
  hint: string;
  ref?: Ref<MessageEditorHandle>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initial,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          placeholder(hint),
          EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'message-editor', spellcheck: 'true' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChangeRef.current(u.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is created once; later text comes from typing and fixes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const length = v.state.doc.length;
    const marks: EditorDiagnostic[] = diagnostics
      .filter((d) => d.target === 'text' && d.severity !== 'info')
      .map((d) => ({
        from: Math.min(d.start, length),
        to: Math.min(Math.max(d.end, d.start), length),
        severity: d.severity,
        message: d.message,
        source: d.rule,
        actions: d.fix
          ? [
              {
                name: d.fix.label,
                apply: (ed: EditorView) => ed.dispatch(fixTransaction(d.fix!.edits)),
              },
            ]
          : [],
      }));
    v.dispatch(setDiagnostics(v.state, marks));
  }, [diagnostics]);

  useImperativeHandle(ref, () => ({
    applyEdits: (edits) => {
      const v = view.current;
      if (!v) return;
      v.dispatch(fixTransaction(edits));
      v.focus();
    },
    select: (start, end) => {
      const v = view.current;
      if (!v) return;
      const length = v.state.doc.length;
      v.dispatch({ selection: { anchor: Math.min(start, length), head: Math.min(end, length) }, scrollIntoView: true });
      v.focus();
    },
  }));

  return <div ref={host} data-testid="editor-host" />;
}
