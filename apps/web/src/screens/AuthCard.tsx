import type { ReactNode } from 'react';

/** The narrow centred card the signed-out screens share. */
export function AuthCard(props: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  testId: string;
}) {
  return (
    <main className="auth" data-testid={props.testId}>
      <section className="card auth-card">
        <p className="brand">Flowgento Appliance</p>
        <h1>{props.title}</h1>
        {props.intro && <p className="muted">{props.intro}</p>}
        {props.children}
      </section>
    </main>
  );
}
