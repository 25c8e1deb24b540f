/* Confab's <support-chat> element (README: "The widget"). Draws the button at once in a shadow
 * root; loads the widget's wasm on intent, or when idle for a visitor with a conversation;
 * queues calls made before then. */
(() => {
  'use strict';
  if (window.customElements.get('support-chat')) return;

  const script = document.currentScript;
  const scriptOrigin = script && script.src ? new URL(script.src).origin : window.location.origin;

  // Just enough to draw the closed button before the widget's stylesheet arrives.
  const BUTTON_CSS =
    ':host{all:initial!important;display:contents!important}' +
    '.confab-widget{position:fixed;right:20px;bottom:20px;z-index:2147483000}' +
    '.confab-widget.confab-left{right:auto;left:20px}' +
    '.confab-button{display:flex;align-items:center;justify-content:center;width:56px;height:56px;' +
    'padding:0;border:none;border-radius:50%;cursor:pointer;color:#fff;' +
    'background:var(--confab-primary,#4f46e5);box-shadow:0 4px 14px rgb(17 24 39/25%)}' +
    '.confab-button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}' +
    '.confab-icon{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;' +
    'stroke-linecap:round;stroke-linejoin:round}';
  const BUBBLE =
    '<svg viewBox="0 0 24 24" aria-hidden="true" class="confab-icon"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  const IDENTITY = ['user-id', 'email', 'name', 'user-hash', 'identity-token'];

  class SupportChat extends HTMLElement {
    static get observedAttributes() {
      return ['open', 'color', ...IDENTITY];
    }

    constructor() {
      super();
      this._queue = [];
      this._widget = null;
      this._loading = null;
      this._root = this.attachShadow({ mode: 'open' });
      // Keys typed in the widget are the widget's: the host page's shortcuts never see them.
      for (const type of ['keydown', 'keyup', 'keypress']) {
        this._root.addEventListener(type, (event) => event.stopPropagation());
      }
    }

    get server() {
      return (this.getAttribute('server') || scriptOrigin).replace(/\/+$/, '');
    }

    connectedCallback() {
      if (this._widget || this._placeholder) return;
      this._applyColor();
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(BUTTON_CSS);
      this._root.adoptedStyleSheets = [sheet];
      const wrap = document.createElement('div');
      wrap.className = 'confab-widget' + (this.getAttribute('position') === 'left' ? ' confab-left' : '');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'confab-button';
      button.setAttribute('aria-label', this._locale() === 'ja' ? 'サポートチャットを開く' : 'Open support chat');
      button.innerHTML = BUBBLE;
      wrap.append(button);
      this._root.replaceChildren(wrap);
      this._placeholder = button;
      const intent = () => this._load();
      button.addEventListener('pointerenter', intent, { once: true });
      button.addEventListener('focus', intent, { once: true });
      button.addEventListener('touchstart', intent, { once: true, passive: true });
      button.addEventListener('click', () => this.toggle());
      if (this.hasAttribute('open')) this.open();
      else if (this._hasConversation()) {
        const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 1500));
        idle(() => this._load());
      }
    }

    attributeChangedCallback(name) {
      if (name === 'color') this._applyColor();
      else if (name === 'open' && this.hasAttribute('open')) this.open();
      else if (IDENTITY.includes(name) && this._widget) this._widget.identify(this._identity());
    }

    open() { this._call('open'); }
    close() { this._call('close'); }
    toggle() { this._call('toggle'); }
    identify(identity) { this._call('identify', identity || {}); }
    logout() { this._call('logout'); }

    _call(method, argument) {
      if (this._widget) {
        this._widget[method](argument);
        return;
      }
      this._queue.push([method, argument]);
      if (method === 'open' || method === 'toggle') this._load();
    }

    _load() {
      if (!this._loading) {
        this._loading = this._mount().catch((error) => {
          this._loading = null;
          console.warn('support-chat: the widget could not load', error);
        });
      }
      return this._loading;
    }

    async _mount() {
      const server = this.server;
      const manifest = await (await fetch(server + '/pkg/embed.json')).json();
      const [glue, css] = await Promise.all([
        import(server + '/pkg/' + manifest.module),
        fetch(server + '/widget.css').then((r) => r.text()),
      ]);
      await glue.default({ module_or_path: server + '/pkg/' + manifest.wasm });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      const container = document.createElement('div');
      const hadFocus = this._root.activeElement !== null;
      this._root.adoptedStyleSheets = [sheet];
      this._root.replaceChildren(container);
      this._placeholder = null;
      this._widget = glue.mount(this, container, {
        server,
        locale: this.getAttribute('locale') || '',
        position: this.getAttribute('position') || 'right',
        open: false,
        ...this._identity(),
      });
      for (const [method, argument] of this._queue.splice(0)) this._widget[method](argument);
      if (hadFocus) {
        const button = this._root.querySelector('.confab-button');
        if (button) button.focus();
      }
      this.dispatchEvent(new CustomEvent('support-chat:ready', { bubbles: true, composed: true }));
    }

    _identity() {
      const identity = {};
      for (const name of IDENTITY) {
        const value = this.getAttribute(name);
        if (value) identity[name.replace('-', '_')] = value;
      }
      return identity;
    }

    _locale() {
      return (this.getAttribute('locale') || navigator.language || 'en').toLowerCase().startsWith('ja') ? 'ja' : 'en';
    }

    _applyColor() {
      const color = this.getAttribute('color');
      if (color) this.style.setProperty('--confab-primary', color);
      else this.style.removeProperty('--confab-primary');
    }

    _hasConversation() {
      try {
        return window.localStorage.getItem('confab:widget:token:' + this.server) !== null;
      } catch (_) {
        return false;
      }
    }
  }

  window.customElements.define('support-chat', SupportChat);
})();
