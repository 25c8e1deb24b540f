//! Confab's application: the UI (hosted pages, the dashboard, the widget), the server functions
//! behind it, and (with `ssr`) the HTTP adapters they share with the `server` crate. Wire types
//! are the `wire` crate's; the work behind every server function is the `domain` crate's.
//!
//! The same crate is compiled for the server and for the browser: with `ssr` into the server
//! binary, which renders pages and runs server functions; with `hydrate` into the wasm bundles
//! that take over those pages in the browser (with `dashboard` for the staff pages, without it for
//! every other page); with `embed` into the widget other sites load.
// The widget's views nest deeply; their types exceed the default limit in release builds, and
// 256 in the pages bundle's (the hosted widget's hydration, without the dashboard).
#![recursion_limit = "512"]

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

mod admin_routes;
pub mod api;
pub mod browser;
pub mod components;
pub mod conversation;
// Only where the dashboard's routes are (the server, the staff pages' bundle): the compiler, not
// only the linker, keeps the dashboard out of the pages bundle.
#[cfg(feature = "dashboard")]
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod http;
pub mod pages;
pub mod realtime;
pub mod widget;

use admin_routes::AdminRoutes;
use pages::{JoinPage, LandingPage, NotFound, SignInPage, SignUpPage, SiteHeader};
use widget::HostedChatWidget;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    http::content_security::protect_page(&options);
    #[cfg(feature = "ssr")]
    let hydration = http::bundles::hydration_scripts(options.clone());
    #[cfg(not(feature = "ssr"))]
    let hydration = view! { <HydrationScripts options=options.clone() /> };
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                {hydration}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: routes of the hosted site.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="confab" href="/pkg/confab.css" />
        // The widget's styles: the same file other sites' <support-chat> loads.
        <Stylesheet id="confab-widget" href="/widget.css" />
        <Link rel="icon" href="/favicon.ico" />
        <Title text="Confab — self-hosted live support chat" />
        <Meta
            name="description"
            content="Confab is a live support chat you host yourself: a widget for your users, a dashboard for your team."
        />
        <Router>
            <SiteHeader />
            <Routes fallback=NotFound>
                // In order: every Suspense (the header, the widget's button and badge) is rendered in
                // place, so the page shows them before any script runs.
                <Route path=StaticSegment("") view=LandingPage ssr=SsrMode::InOrder />
                <Route path=StaticSegment("signin") view=SignInPage ssr=SsrMode::InOrder />
                <Route path=StaticSegment("signup") view=SignUpPage ssr=SsrMode::InOrder />
                <Route path=(StaticSegment("join"), ParamSegment("token")) view=JoinPage ssr=SsrMode::InOrder />
                <AdminRoutes />
            </Routes>
            <HostedChatWidget />
        </Router>
    }
}
