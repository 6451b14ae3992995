"""The MDB window (:class:`MdbWindow`): prepare the agenda, register attendance, decide case by
case during the meeting, close as regievoerder, preview and print the summary.

One module per job: :mod:`.window` builds the window and opens an MDB, :mod:`.preparation`
(tab 1 Voorbereiding), :mod:`.attendance` (tab 2 Aanwezigheid), :mod:`.discussion` (tab 3
Bespreking: the decision form and closing), :mod:`.journal` (the chair's journal on the office
store), :mod:`.chair` (one chair per MDB), :mod:`.report` (tab 4 Verslag), and :mod:`.base`
(what they share).
"""

from mdbtriage.ui.mdb.base import _pydate, _qdate
from mdbtriage.ui.mdb.preparation import AGENDA_COLUMNS, AgendaModel
from mdbtriage.ui.mdb.window import MdbWindow

__all__ = ["AGENDA_COLUMNS", "AgendaModel", "MdbWindow", "_pydate", "_qdate"]
