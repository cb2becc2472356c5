/** The keyboard shortcuts, listed. */
import { Dialog } from './Dialog.js';

export const SHORTCUTS: Array<[string, string]> = [
  ['Ctrl/Cmd + Enter', 'Run the selection, or the statement under the cursor'],
  ['Ctrl/Cmd + Shift + Enter', 'Run the whole editor'],
  ['Escape (while running)', 'Cancel the running query'],
  ['Alt + T', 'New query tab'],
  ['Alt + W', 'Close the query tab'],
  ['Alt + H', 'Query history'],
  ['Ctrl + Space', 'Complete schema, table and column names'],
  ['Escape, then Tab', 'Leave the editor (Tab indents inside it)'],
  ['Arrows, Shift + click', 'Move and extend the selection in the result grid'],
  ['Ctrl/Cmd + C (grid)', 'Copy the selected cells or rows as TSV'],
  ['?', 'This list (outside the editor)'],
];

export function ShortcutsDialog(props: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={props.onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
