// A stand-in for a third-party analytics snippet.
window.visits = (window.visits || 0) + 1;
