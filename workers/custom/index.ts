// Every custom activity module registers itself on import; add yours here.
import './tag-account.activity';
