//! Text as the rest of huashu sees it: a file's decoded text with positions ([`source`]), how it was
//! encoded ([`encoding`]), the phrases in it ([`phrase`]) and their scenes ([`scene`]), and the
//! normalised views rules match on ([`normalize`], and [`skeleton`] for rules that opt into it).

pub mod encoding;
pub mod normalize;
pub mod phrase;
pub mod scene;
pub mod skeleton;
pub mod source;
