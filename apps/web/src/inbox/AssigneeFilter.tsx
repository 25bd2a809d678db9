export type Assigned = 'all' | 'mine' | 'unassigned';

const CHOICES: { value: Assigned; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'mine', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
];

/** Which conversations the list shows; the server does the filtering. */
export function AssigneeFilter(props: {
  value: Assigned;
  onChange: (value: Assigned) => void;
}) {
  return (
    <div className="segmented" role="group" aria-label="Show conversations">
      {CHOICES.map((choice) => (
        <button
          key={choice.value}
          type="button"
          aria-pressed={props.value === choice.value}
          onClick={() => props.onChange(choice.value)}
          data-testid={`filter-${choice.value}`}
        >
          {choice.label}
        </button>
      ))}
    </div>
  );
}
