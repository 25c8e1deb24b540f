// A Confab server of a test's own, for tests that stop and restart it or need their own
// configuration (embedding origins). Runs the release binary scripts/e2e.sh names in
// CONFAB_BIN on a free loopback port with a fresh SQLite database, and the staff account
// scripts/e2e.sh seeds elsewhere.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type APIRequestContext } from '@playwright/test';

export const STAFF_EMAIL = 'staff@widget.example.com';
export const STAFF_PASSWORD = 'widget staff password';
export const IDENTITY_SECRET = 'widget identity secret';

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Debian's libfaketime (package `libfaketime`, which scripts/setup.sh installs). */
function libfaketime(): string {
  for (const dir of readdirSync('/usr/lib')) {
    const path = join('/usr/lib', dir, 'faketime', 'libfaketime.so.1');
    if (existsSync(path)) return path;
  }
  throw new Error('libfaketime not found: scripts/setup.sh installs it');
}

export type ConfabOptions = {
  /** Origins allowed to embed the widget (CONFAB_WIDGET_ORIGINS). */
  widgetOrigins?: string[];
};

export class Confab {
  private process: ChildProcess | null = null;
  private logs: string[] = [];

  private constructor(
    readonly url: string,
    private readonly port: number,
    private readonly dir: string,
    private readonly options: ConfabOptions,
  ) {}

  static async start(options: ConfabOptions = {}): Promise<Confab> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'confab-e2e-'));
    const confab = new Confab(`http://127.0.0.1:${port}`, port, dir, options);
    await confab.resume();
    return confab;
  }

  /** Starts the server again on the same port and database; with `clockAhead` (libfaketime's
   * offset, e.g. `+2d`), its wall clock runs that far ahead of the machine's, as if the
   * server were started again that much later. */
  async resume(clockAhead?: string): Promise<void> {
    const bin = process.env.CONFAB_BIN;
    const siteRoot = process.env.CONFAB_SITE_ROOT;
    if (!bin || !siteRoot) throw new Error('CONFAB_BIN and CONFAB_SITE_ROOT come from scripts/e2e.sh');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: this.databaseUrl(),
      CONFAB_ADMIN_EMAIL: STAFF_EMAIL,
      CONFAB_ADMIN_PASSWORD: STAFF_PASSWORD,
      CONFAB_IDENTITY_SECRET: IDENTITY_SECRET,
      CONFAB_LOG: 'warn',
      // Tests post dozens of messages in a moment from one machine; limits have tests of their own.
      CONFAB_MESSAGES_PER_MINUTE: '1000000',
      CONFAB_MESSAGE_BURST: '1000000',
    };
    if (this.options.widgetOrigins?.length) env.CONFAB_WIDGET_ORIGINS = this.options.widgetOrigins.join(',');
    if (clockAhead) {
      // Only the wall clock moves: timers and timeouts (the monotonic clock) run as usual.
      env.LD_PRELOAD = libfaketime();
      env.FAKETIME = clockAhead;
      env.FAKETIME_DONT_FAKE_MONOTONIC = '1';
    }
    const child = spawn(bin, ['serve', '--addr', `127.0.0.1:${this.port}`, '--site-root', siteRoot], {
      cwd: this.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => this.logs.push(String(chunk)));
    child.stderr?.on('data', (chunk) => this.logs.push(String(chunk)));
    this.process = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const answer = await fetch(`${this.url}/readyz`);
        if (answer.ok) return;
      } catch {
        // Not listening yet.
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`confab did not start:\n${this.logs.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops the server (SIGTERM) and waits until it exited. */
  async halt(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.process = null;
  }

  /** Adds a staff account the way operators do (`confab admin create`, beside the running
   * server on the same database); returns its password. */
  addStaff(email: string, name: string, role: 'admin' | 'agent'): string {
    const password = `${name} has a long password`;
    const made = spawnSync(
      process.env.CONFAB_BIN ?? 'confab',
      ['admin', 'create', '--email', email, '--name', name, '--role', role, '--password-stdin'],
      {
        cwd: this.dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: this.databaseUrl(), CONFAB_LOG: 'warn' },
        input: `${password}\n`,
        encoding: 'utf8',
      },
    );
    if (made.status !== 0) throw new Error(`confab admin create ${email}: ${made.stderr}`);
    return password;
  }

  /** The invitation link in the newest email to `to` the server wrote (no SMTP server is
   * configured here: emails are files in its mail directory), waiting until it exists. */
  async invitationLink(to: string): Promise<string> {
    const dir = join(this.dir, 'data', 'mail');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
      for (const file of files) {
        const mail = readFileSync(join(dir, file), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        const link = mail.match(/https?:\/\/[^\s"<>]+\/join\/[0-9a-f]{64}/);
        if (mail.includes(`To: ${to}`) && link) return link[0];
      }
      if (Date.now() > deadline) throw new Error(`no invitation email to ${to} in ${dir}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private databaseUrl(): string {
    return `sqlite://${this.dir}/confab.db?mode=rwc`;
  }

  async stop(): Promise<void> {
    await this.halt();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A signed-in staff member's API client. */
  async staff(): Promise<Staff> {
    const api = await request.newContext({ baseURL: this.url });
    const signIn = await api.post('/rpc/auth/sign_in', { form: { email: STAFF_EMAIL, password: STAFF_PASSWORD } });
    if (!signIn.ok()) throw new Error(`staff sign-in failed: ${signIn.status()}`);
    return new Staff(api);
  }
}

type ListItem = { id: string; user_email: string | null; unread: boolean };
export type Attachment = { id: string; name: string; size: number; content_type: string; url: string };
export type Message = {
  id: string;
  content: string;
  sender_type: string;
  read_at: string | null;
  seq: number;
  attachments: Attachment[];
};
export type FileToSend = { name: string; mimeType: string; buffer: Buffer };

/** Staff through the REST API, as the dashboard would act. */
export class Staff {
  constructor(readonly api: APIRequestContext) {}

  async chats(): Promise<ListItem[]> {
    const answer = await this.api.get('/api/admin/chats?archived=false');
    if (!answer.ok()) throw new Error(`chat list: ${answer.status()}`);
    return answer.json();
  }

  /** The id of the chat of the user with `email`, waiting until it exists. */
  async chatOf(email: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const chat = (await this.chats()).find((c) => c.user_email === email);
      if (chat) return chat.id;
      if (Date.now() > deadline) throw new Error(`no chat for ${email}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Uploads `file` into the chat, for a reply to name in its `attachment_ids`. */
  async attach(chatId: string, file: FileToSend): Promise<Attachment> {
    const answer = await this.api.post(`/api/admin/chats/${chatId}/attachments`, { multipart: { file } });
    if (answer.status() !== 201) throw new Error(`attach: ${answer.status()} ${await answer.text()}`);
    return answer.json();
  }

  async reply(chatId: string, content: string, attachmentIds: string[] = []): Promise<Message> {
    const data = attachmentIds.length ? { content, attachment_ids: attachmentIds } : { content };
    const answer = await this.api.post(`/api/admin/chats/${chatId}/messages`, { data });
    if (answer.status() !== 201) throw new Error(`reply: ${answer.status()} ${await answer.text()}`);
    return answer.json();
  }

  /** Opens the chat as the dashboard does (records the view: the user sees "Seen"). */
  async view(chatId: string): Promise<{ messages: Message[] }> {
    const answer = await this.api.get(`/api/admin/chats/${chatId}`);
    if (!answer.ok()) throw new Error(`view: ${answer.status()}`);
    return answer.json();
  }
}
