/** A job's progress as an accessible bar (role progressbar with its value), the percent and the current step beside it. */
export function ProgressBar(props: { percent: number; label: string; step?: string; tone?: 'running' | 'success' | 'failed' | 'cancelled' }) {
  const percent = Math.max(0, Math.min(100, Math.round(props.percent)));
  return (
    <div className={`progress ${props.tone ?? 'running'}`}>
      <div className="progress-track" role="progressbar" aria-label={props.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="progress-percent">{percent}%</span>
      {props.step && <span className="progress-step">{props.step}</span>}
    </div>
  );
}
